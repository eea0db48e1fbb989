import FathomCore

/// How hard cuts are found (see `ShotDetector`).
public struct ShotDetectionOptions: Sendable, Equatable, Codable {
    /// Off: one shot per video, clips cut only by length and gaps.
    public var enabled: Bool
    /// A cut needs a histogram distance (0 = same colours, 1 = disjoint) above this, however
    /// much the shot has been changing.
    public var minimumDistance: Double
    /// … and above this many times the median distance between consecutive frames of the shot so far.
    public var medianFactor: Double
    /// How many recent frame pairs the median looks at.
    public var window: Int

    public init(enabled: Bool = true, minimumDistance: Double = 0.3, medianFactor: Double = 3, window: Int = 24) {
        self.enabled = enabled
        self.minimumDistance = minimumDistance
        self.medianFactor = medianFactor
        self.window = window
    }

    public func validate() throws(FathomError) {
        guard minimumDistance > 0 && minimumDistance < 1 else {
            throw FathomError("media.badOptions", "shot cut distance floor must be in (0, 1) (got \(minimumDistance))")
        }
        guard medianFactor >= 1 else { throw FathomError("media.badOptions", "shot cut median factor must be ≥ 1 (got \(medianFactor))") }
        guard window >= 1 else { throw FathomError("media.badOptions", "shot cut window must be ≥ 1 frame (got \(window))") }
    }
}

/// A hard cut: `frameIndex` is the first frame of the new shot.
public struct ShotCut: Sendable, Equatable, Codable {
    public var frameIndex: Int
    public var timestamp: Double
    /// Histogram distance between this frame and the one before it.
    public var distance: Double
    /// The threshold it exceeded.
    public var threshold: Double

    public init(frameIndex: Int, timestamp: Double, distance: Double, threshold: Double) {
        self.frameIndex = frameIndex
        self.timestamp = timestamp
        self.distance = distance
        self.threshold = threshold
    }
}

/// Finds hard cuts from the colour histograms of consecutive decoded frames, with an adaptive
/// threshold: a cut is a distance above max(`minimumDistance`, `medianFactor` × the running median
/// of the shot's recent distances). The floor keeps still shots from cutting on noise; the
/// median keeps busy shots (pans, flashes of motion) from cutting on ordinary change. This is
/// the histogram method of shot-boundary detection (Zhang, Kankanhalli & Smoliar, "Automatic
/// partitioning of full-motion video", Multimedia Systems 1993) with a local adaptive threshold.
struct ShotDetector {
    /// Bins per channel of the joint RGB histogram (8 × 8 × 8 = 512 bins).
    private static let binsPerChannel = 8
    let options: ShotDetectionOptions
    private var previous: [Float]?
    private var recent: [Double] = []

    init(_ options: ShotDetectionOptions) {
        self.options = options
    }

    /// Feeds the next decoded frame (as a small RGB24 thumbnail); returns the cut if one falls before it.
    mutating func observe(thumbnail: [UInt8], frameIndex: Int, timestamp: Double) -> ShotCut? {
        let histogram = Self.histogram(thumbnail)
        defer { previous = histogram }
        guard let previous else { return nil }
        let distance = Self.distance(previous, histogram)
        let threshold = max(options.minimumDistance, options.medianFactor * median(recent))
        if distance > threshold {
            recent.removeAll()
            return ShotCut(frameIndex: frameIndex, timestamp: timestamp, distance: distance, threshold: threshold)
        }
        recent.append(distance)
        if recent.count > options.window { recent.removeFirst() }
        return nil
    }

    /// Normalised joint histogram of 3-bit-per-channel colours.
    static func histogram(_ rgb: [UInt8]) -> [Float] {
        let shift = UInt8(8 - binsPerChannel.trailingZeroBitCount)
        var counts = [Float](repeating: 0, count: binsPerChannel * binsPerChannel * binsPerChannel)
        let pixels = rgb.count / 3
        for i in 0 ..< pixels {
            let (r, g, b) = (Int(rgb[3 * i] >> shift), Int(rgb[3 * i + 1] >> shift), Int(rgb[3 * i + 2] >> shift))
            counts[(r * binsPerChannel + g) * binsPerChannel + b] += 1
        }
        let scale = 1 / Float(max(pixels, 1))
        return counts.map { $0 * scale }
    }

    /// Half the L1 distance: the fraction of pixels whose colour bin would have to change.
    static func distance(_ a: [Float], _ b: [Float]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) }) / 2
    }

    private func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
