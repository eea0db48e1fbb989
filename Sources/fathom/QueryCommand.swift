import ArgumentParser
import FathomCore
import FathomEngine
import FathomShards
import Foundation

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Answer D4RT-style point queries from a labelled clip: where is pixel (u, v) of frame t_src at time t_tgt, in the camera of frame t_cam?",
        discussion: """
            Frames are label frame indices of the clip (0 ..< frame_count); pixels are label pixels with
            pixel centres at (j + 0.5, i + 0.5), as in the shard. The answer is the point in the camera of
            t_cam (OpenCV axes; world = camera of the reference frame), where the point projects in t_tgt,
            whether it is visible there, and a 0–255 confidence. Answers follow the rule of tracks/xyz: a point
            on still scenery is triangulated from every frame that sees it (from a shard this is the depth
            map's point at pixel centres); a point that no static point explains is on a moving surface,
            whose depth motion stereo cannot observe, and is NaN with confidence 0.

            From a shard, a pixel is followed by the clip's static geometry (lifted with its depth and
            reprojected, visible where the target frame's depth agrees); moving content is answered
            best from the video, where the engine's flow follows it.

            Examples:
              fathom query shard.h5 --point 0,160.5,120.5 --target 47
              fathom query shard.h5 --clip orbit-1a2b3c4d-000000-000047 --point 10,32.5,40.5 --all-targets --camera 0 --json
            """)

    @Argument(help: ArgumentHelp("A shard file.", valueName: "shard"))
    var shard: String

    @Option(help: ArgumentHelp("Clip id (default: the shard's only or first clip).", valueName: "id"))
    var clip: String?

    @Option(name: .customLong("point"), help: ArgumentHelp("A query source 't_src,u,v'; repeat for more.", valueName: "t,u,v"))
    var points: [String] = []

    @Option(help: ArgumentHelp("Target frame (default: the source frame).", valueName: "t_tgt"))
    var target: Int?

    @Flag(help: "Answer for every frame of the clip as target.")
    var allTargets = false

    @Option(help: ArgumentHelp("Camera frame the points are expressed in (default: the clip's reference frame, i.e. world).", valueName: "t_cam"))
    var camera: Int?

    @OptionGroup var global: GlobalOptions

    struct Answer: Encodable {
        var source: Int, u: Float, v: Float, target: Int, camera: Int
        var point: [Float?], uvTarget: [Float?], visible: Bool, confidence: UInt8
    }

    func validate() throws {
        guard !points.isEmpty else { throw ValidationError("give at least one --point t_src,u,v") }
        if allTargets && target != nil { throw ValidationError("--target and --all-targets exclude each other") }
    }

    func run() throws {
        global.bootstrap()
        do {
            let reader = try ShardReader(path: shard)
            let ids = try reader.clipIDs()
            guard let id = clip ?? ids.first else { throw FathomError("query.noClip", "\(shard) holds no clips") }
            guard ids.contains(id) else { throw FathomError("query.unknownClip", "\(shard) has no clip '\(id)'; it holds: \(ids.prefix(5).joined(separator: ", "))\(ids.count > 5 ? ", …" : "")") }
            let labels = try reader.clip(id)
            let cameraFrame = camera ?? labels.referenceFrame
            var queries: [PointQuery] = []
            for point in points {
                let parts = point.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 3, let t = parts[0], let u = parts[1], let v = parts[2], t == t.rounded() else {
                    throw FathomError("query.badPoint", "--point '\(point)' is not 't_src,u,v' (an integer frame and two pixel coordinates)")
                }
                let targets = allTargets ? Array(0 ..< labels.frameCount) : [target ?? Int(t)]
                queries += targets.map { PointQuery(u: u, v: v, source: Int(t), target: $0, camera: cameraFrame) }
            }
            let answers = try ClipModel(labels: labels).answer(queries)
            let rows = zip(queries, answers).map { q, a in
                Answer(source: q.source, u: q.u, v: q.v, target: q.target, camera: q.camera,
                       point: [a.point.x, a.point.y, a.point.z].map { $0.isFinite ? $0 : nil },
                       uvTarget: [a.uv.x, a.uv.y].map { $0.isFinite ? $0 : nil }, visible: a.visible, confidence: a.confidence)
            }
            if global.json {
                try printJSON(rows)
            } else {
                print("clip \(id)  (\(labels.frameCount) frames, \(labels.width)×\(labels.height), depth \(labels.depthUnits.rawValue))")
                print("t_src       u       v  t_tgt t_cam          x          y          z     u_tgt     v_tgt  visible  conf")
                for r in rows {
                    let value = { (x: Float?) in x.map { String(format: "%10.4f", $0) } ?? "       nan" }
                    print(String(format: "%5d %7.2f %7.2f  %5d %5d ", r.source, r.u, r.v, r.target, r.camera)
                          + "\(value(r.point[0])) \(value(r.point[1])) \(value(r.point[2])) \(value(r.uvTarget[0])) \(value(r.uvTarget[1]))"
                          + "  \(r.visible ? "yes" : "no ")      \(r.confidence)")
                }
            }
        } catch let error as FathomError {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }
}
