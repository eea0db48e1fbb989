import FathomCore

/// The visible observations of every track, flattened (CSR by track) for the camera pipeline's
/// loops: track n's observations are `frame[k]`, `uv[k]` for k in `start[n] ..< start[n + 1]`,
/// in increasing frame order; `inFrame` indexes the same observations by frame.
struct TrackTable: Sendable {
    let trackCount: Int
    let frameCount: Int
    let start: [Int]
    let frame: [Int]
    let uv: [SIMD2<Double>]
    /// The track of each observation.
    let track: [Int]
    /// Observations (indices k) in each frame, by increasing track.
    let inFrame: [[Int]]

    init(_ tracks: TrackLabels) {
        let n = tracks.count
        let t = tracks.visible.shape.count == 2 ? tracks.visible.shape[1] : 0
        var start = [0]
        var frame: [Int] = []
        var uv: [SIMD2<Double>] = []
        start.reserveCapacity(n + 1)
        tracks.uv.storage.withUnsafeBufferPointer { positions in
            tracks.visible.storage.withUnsafeBufferPointer { visible in
                for q in 0 ..< n {
                    for f in 0 ..< t where visible[q * t + f] != 0 {
                        let x = Double(positions[(q * t + f) * 2])
                        let y = Double(positions[(q * t + f) * 2 + 1])
                        guard x.isFinite, y.isFinite else { continue }
                        frame.append(f)
                        uv.append(SIMD2(x, y))
                    }
                    start.append(frame.count)
                }
            }
        }
        var track = [Int](repeating: 0, count: frame.count)
        var inFrame = [[Int]](repeating: [], count: t)
        for q in 0 ..< n {
            for k in start[q] ..< start[q + 1] {
                track[k] = q
                inFrame[frame[k]].append(k)
            }
        }
        self.track = track
        self.inFrame = inFrame
        trackCount = n
        frameCount = t
        self.start = start
        self.frame = frame
        self.uv = uv
    }

    /// The given tracks only (in that order): the cameras need a few hundred well-spread tracks, not
    /// every track of a dense grid.
    init(subsetOf table: TrackTable, tracks: [Int]) {
        var start = [0]
        var frame: [Int] = []
        var uv: [SIMD2<Double>] = []
        for q in tracks {
            frame += table.frame[table.observations(of: q)]
            uv += table.uv[table.observations(of: q)]
            start.append(frame.count)
        }
        var track = [Int](repeating: 0, count: frame.count)
        var inFrame = [[Int]](repeating: [], count: table.frameCount)
        for q in tracks.indices {
            for k in start[q] ..< start[q + 1] {
                track[k] = q
                inFrame[frame[k]].append(k)
            }
        }
        trackCount = tracks.count
        frameCount = table.frameCount
        self.start = start
        self.frame = frame
        self.uv = uv
        self.track = track
        self.inFrame = inFrame
    }

    /// At most `limit` tracks seen in two frames or more, evenly strided through the track order
    /// (trackers emit tracks in grid order, so a stride keeps them spread over the image).
    func spread(limit: Int) -> [Int] {
        let candidates = (0 ..< trackCount).filter { observations(of: $0).count >= 2 }
        guard candidates.count > limit else { return candidates }
        return (0 ..< limit).map { candidates[$0 * candidates.count / limit] }
    }

    func observations(of track: Int) -> Range<Int> { start[track] ..< start[track + 1] }

    /// Pixel of `track` in `frame`, if visible there.
    func position(of track: Int, in frame: Int) -> SIMD2<Double>? {
        let range = observations(of: track)
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let mid = (low + high) / 2
            if self.frame[mid] < frame { low = mid + 1 } else { high = mid }
        }
        return low < range.upperBound && self.frame[low] == frame ? uv[low] : nil
    }

    /// Tracks visible in both frames and their pixels there.
    func correspondences(_ a: Int, _ b: Int) -> (tracks: [Int], x1: [SIMD2<Double>], x2: [SIMD2<Double>]) {
        var tracks: [Int] = []
        var x1: [SIMD2<Double>] = []
        var x2: [SIMD2<Double>] = []
        for q in 0 ..< trackCount {
            guard let p = position(of: q, in: a), let r = position(of: q, in: b) else { continue }
            tracks.append(q)
            x1.append(p)
            x2.append(r)
        }
        return (tracks, x1, x2)
    }
}
