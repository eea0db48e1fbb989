import FathomCore
import FathomEngine
import FathomMedia

extension ClipInput {
    /// The engine's input for a decoded clip, under `id` and `source` (by default the clip's own).
    public init(_ clip: Clip, id: String? = nil, source: String? = nil, fallbackFPS: Double) {
        let (h, w) = (clip.size.height, clip.size.width)
        var rgb = [UInt8]()
        rgb.reserveCapacity(clip.frames.count * h * w * 3)
        for frame in clip.frames { rgb += frame.rgb.storage }
        self.init(id: id ?? clip.id, source: source ?? clip.source, fps: clip.fps(fallback: fallbackFPS),
                  frameIndex: clip.frames.map { Int64($0.frameIndex) }, timestamp: clip.timestamps,
                  rgb: Tensor(shape: [clip.frames.count, h, w, 3], storage: rgb), knownIntrinsics: clip.intrinsics)
    }

    /// The engine's input for a decoded clip of the plan item `item`. The clip's id and source
    /// are re-derived from the item's plan key (its path relative to the job), so labels made
    /// from the same job folder get the same ids wherever that folder is mounted.
    init(_ clip: Clip, item: PlanItem, fallbackFPS: Double) {
        let source = item.labelSource
        let first = clip.frames.first?.frameIndex ?? 0, last = clip.frames.last?.frameIndex ?? 0
        self.init(clip, id: Clip.id(source: source, firstFrame: first, lastFrame: last), source: source, fallbackFPS: fallbackFPS)
    }
}
