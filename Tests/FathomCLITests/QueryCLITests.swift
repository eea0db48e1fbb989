import FathomTestSupport
import Foundation
import Testing

/// `fathom query` on a shard: answers in the world frame agree with the clip's geometry, and bad
/// queries are refused with a named error and exit code 2.
@Suite struct QueryCLITests {
    let directory = TemporaryDirectory()

    @Test func staticPointKeepsItsWorldPositionAndBadQueriesAreRefused() throws {
        let synth = try Fathom.run(["synth", "--scene", "orbit", "--width", "64", "--height", "48", "--frames", "4", "--video", "none", "--out", directory.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        let shard = directory.file("orbit.h5")
        let result = try Fathom.run(["query", shard, "--point", "0,30.5,30.5", "--all-targets", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 4)
        let points = rows.compactMap { $0["point"] as? [Double] }
        #expect(points.count == 4 && points.allSatisfy { $0.count == 3 })
        for p in points { #expect(zip(p, points[0]).allSatisfy { abs($0 - $1) < 0.01 * points[0][2] }, "a static point moved: \(points)") }
        #expect(rows.allSatisfy { $0["visible"] as? Bool == true })

        let outside = try Fathom.run(["query", shard, "--point", "0,64.5,3", "--target", "1"])
        #expect(outside.status == 2 && outside.stderr.contains("query.badPixel"))
        let frame = try Fathom.run(["query", shard, "--point", "9,3.5,3.5"])
        #expect(frame.status == 2 && frame.stderr.contains("source frame 9"))
        let malformed = try Fathom.run(["query", shard, "--point", "0,3.5"])
        #expect(malformed.status == 2 && malformed.stderr.contains("t_src,u,v"))
    }
}
