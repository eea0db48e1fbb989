import FathomCore
import Foundation

/// Settings of a RANSAC run. The seed makes every run reproducible: same data, same result.
public struct RANSACOptions: Sendable, Equatable {
    /// A datum is an inlier when its residual is below this (same units as `squaredResidual`'s root).
    public var threshold: Double
    /// Probability of having drawn at least one all-inlier sample when the adaptive count stops.
    public var confidence: Double
    public var minIterations: Int
    public var maxIterations: Int
    /// Rounds of local optimisation (refit on inliers, rescore) whenever a new best model appears.
    public var localOptimizationRounds: Int
    public var seed: UInt64

    public init(threshold: Double, confidence: Double = 0.9999, minIterations: Int = 20, maxIterations: Int = 2000,
                localOptimizationRounds: Int = 3, seed: UInt64 = 0x5EED) {
        self.threshold = threshold
        self.confidence = confidence
        self.minIterations = minIterations
        self.maxIterations = maxIterations
        self.localOptimizationRounds = localOptimizationRounds
        self.seed = seed
    }
}

/// The best model RANSAC found and which data agree with it.
public struct RANSACResult<Model> {
    public var model: Model
    /// One flag per datum: residual below the threshold.
    public var inliers: [Bool]
    public var inlierCount: Int
    /// MSAC score: Σ min(r², τ²) over all data; lower is better.
    public var score: Double
    public var iterations: Int

    public var inlierIndices: [Int] { inliers.indices.filter { inliers[$0] } }
    public var inlierRatio: Double { inliers.isEmpty ? 0 : Double(inlierCount) / Double(inliers.count) }
}

/// Random sample consensus with MSAC scoring (truncated quadratic: inliers count by how well they
/// fit, so among models with equal support the more accurate wins), local optimisation of every new
/// best model (LO-RANSAC: refit to its inliers), and an iteration count that adapts to the inlier
/// ratio found so far. Sampling uses a seeded generator: the result depends only on the data and
/// the options, never on timing or threads.
public enum RANSAC {
    /// `hypotheses`: models to score before sampling (a prediction, e.g. the previous frame's pose);
    /// a good one lets the adaptive count stop early, a bad one costs one scoring.
    public static func estimate<Problem: RobustModelProblem>(_ problem: Problem, options: RANSACOptions,
                                                             hypotheses: [Problem.Model] = []) -> RANSACResult<Problem.Model>? {
        let n = problem.count
        let s = problem.sampleSize
        guard n >= s, s > 0 else { return nil }
        let threshold2 = options.threshold * options.threshold
        var random = SplitMix(seed: options.seed)
        var best: (model: Problem.Model, score: Double, inliers: Int)?
        var required = options.maxIterations
        var sample = [Int](repeating: 0, count: s)
        var iteration = 0

        func score(_ model: Problem.Model) -> (Double, Int) {
            var total = 0.0
            var inliers = 0
            for i in 0 ..< n {
                let r2 = problem.squaredResidual(of: i, under: model)
                if r2 < threshold2 {
                    total += r2
                    inliers += 1
                } else {
                    total += threshold2
                }
            }
            return (total, inliers)
        }

        func inlierIndices(_ model: Problem.Model) -> [Int] {
            (0 ..< n).filter { problem.squaredResidual(of: $0, under: model) < threshold2 }
        }

        var pending = hypotheses
        while !pending.isEmpty || iteration < max(options.minIterations, min(required, options.maxIterations)) {
            let candidates: [Problem.Model]
            if pending.isEmpty {
                iteration += 1
                drawSample(&sample, from: n, random: &random)
                candidates = problem.models(from: sample)
            } else {
                candidates = pending
                pending = []
            }
            for candidate in candidates {
                let (candidateScore, candidateInliers) = score(candidate)
                guard candidateScore < best?.score ?? .infinity else { continue }
                best = (candidate, candidateScore, candidateInliers)
                for _ in 0 ..< options.localOptimizationRounds {
                    guard let current = best, current.inliers >= s,
                          let refit = problem.refined(current.model, inliers: inlierIndices(current.model)) else { break }
                    let (refitScore, refitInliers) = score(refit)
                    guard refitScore < current.score else { break }
                    best = (refit, refitScore, refitInliers)
                }
                required = requiredIterations(inlierRatio: Double(best!.inliers) / Double(n), sampleSize: s, confidence: options.confidence)
            }
        }
        guard let best else { return nil }
        var flags = [Bool](repeating: false, count: n)
        for i in 0 ..< n { flags[i] = problem.squaredResidual(of: i, under: best.model) < threshold2 }
        return RANSACResult(model: best.model, inliers: flags, inlierCount: best.inliers, score: best.score, iterations: iteration)
    }

    /// Iterations after which an all-inlier sample has been drawn with probability `confidence`.
    static func requiredIterations(inlierRatio w: Double, sampleSize: Int, confidence: Double) -> Int {
        let allInlier = pow(w, Double(sampleSize))
        guard allInlier > 1e-12 else { return Int.max }
        guard allInlier < 1 - 1e-12 else { return 1 }
        return Int(ceil(Foundation.log(1 - confidence) / Foundation.log(1 - allInlier)))
    }

    /// `sample.count` distinct indices below n (rejection of repeats; samples are tiny).
    private static func drawSample(_ sample: inout [Int], from n: Int, random: inout SplitMix) {
        for k in sample.indices {
            var candidate: Int
            repeat { candidate = random.index(below: n) } while sample[..<k].contains(candidate)
            sample[k] = candidate
        }
    }
}
