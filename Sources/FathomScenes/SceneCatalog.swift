import FathomCore

/// The project's yardstick scenes: each stresses one thing real footage does to a labeller.
/// Units are metres; the world has y up and the ground at y = 0.
public enum SceneCatalog {
    /// Scene names with a one-line description, in suite order.
    public static let descriptions: [(name: String, about: String)] = [
        ("orbit", "static textured room, camera circles it: parallax everywhere"),
        ("dynamic", "camera dollies while boxes and a ball cross and occlude one another"),
        ("pan", "camera turns in place (pure rotation): depth is unobservable"),
        ("tripod", "static camera, objects move: only the movers have flow"),
        ("fast", "fast orbit and fast objects: large displacements per frame"),
        ("lowtex", "nearly uniform surfaces: little texture to match"),
    ]

    public static var names: [String] { descriptions.map(\.name) }

    /// The scene called `name`, rendered at `width` × `height` for `frames` frames, or nil.
    public static func scene(_ name: String, width: Int = 320, height: Int = 240, frames: Int = 48, seed: UInt32 = 1) -> Scene? {
        let target: SIMD3<Double> = [0, 0.8, 0]
        let camera: CameraPath
        var objects = room(textured: name != "lowtex")
        switch name {
        case "orbit", "lowtex":
            camera = .orbit(target: target, radius: 6, height: 1.6, startAngle: -0.2, rate: 0.2)
        case "dynamic":
            camera = .dolly(start: [-1.2, 1.5, -6], velocity: [0.8, 0.05, 0.3], target: target)
            objects += movers(speed: 1)
        case "pan":
            camera = .pan(eye: [0, 1.4, -5.5], startTarget: [-0.6, 0.9, 0], rate: 0.25)
        case "tripod":
            camera = .fixed(eye: [0.5, 1.5, -6], target: target)
            objects += movers(speed: 1)
        case "fast":
            camera = .orbit(target: target, radius: 6, height: 1.6, startAngle: -0.5, rate: 0.55)
            objects += movers(speed: 2.2)
        default:
            return nil
        }
        return Scene(name: name, width: width, height: height, frameCount: frames, camera: camera, objects: objects, seed: seed)
    }

    private static func at(_ p: SIMD3<Double>, turn: Double = 0, axis: SIMD3<Double> = [0, 1, 0]) -> RigidTransform {
        RigidTransform(rotation: .rotation(axis: axis, angle: turn), translation: p)
    }

    /// Ground, back wall and a few static props. With `textured` false everything is plain.
    private static func room(textured: Bool) -> [SceneObject] {
        func pick(_ texture: SolidTexture, _ plain: SIMD3<Double>) -> SolidTexture { textured ? texture : .plain(plain) }
        let flat = Matrix3.rotation(axis: [1, 0, 0], angle: -.pi / 2)  // object z → world y: a floor
        return [
            SceneObject(id: 0, .plane(half: nil),
                        pick(.noise(scale: 0.35, [0.35, 0.3, 0.22], [0.75, 0.68, 0.55]), [0.55, 0.5, 0.42]),
                        motion: .fixed(RigidTransform(rotation: flat, translation: .zero))),
            SceneObject(id: 1, .plane(half: [5, 2.5]), pick(.bricks([0.5, 0.22], [0.62, 0.3, 0.22], mortar: [0.8, 0.78, 0.74]), [0.7, 0.45, 0.4]),
                        motion: .fixed(at([0, 2.5, 3.5]))),
            SceneObject(id: 2, .box(half: [0.5, 0.5, 0.5]), pick(.checker(size: 0.25, [0.15, 0.25, 0.55], [0.85, 0.85, 0.8]), [0.3, 0.4, 0.7]),
                        motion: .fixed(at([-1.6, 0.5, 1.2], turn: 0.5))),
            SceneObject(id: 3, .sphere(radius: 0.6), pick(.noise(scale: 0.15, [0.1, 0.45, 0.2], [0.85, 0.9, 0.5]), [0.35, 0.65, 0.35]),
                        motion: .fixed(at([1.5, 0.6, 1.5]))),
            SceneObject(id: 4, .box(half: [0.3, 0.8, 0.3]), pick(.stripes(period: 0.18, [0.8, 0.2, 0.15], [0.95, 0.85, 0.3]), [0.8, 0.5, 0.3]),
                        motion: .fixed(at([0.3, 0.8, 2.4], turn: -0.3))),
        ]
    }

    /// Objects that cross the view in front of the props and of each other.
    private static func movers(speed: Double) -> [SceneObject] {
        [
            SceneObject(id: 5, .box(half: [0.35, 0.35, 0.35]), .checker(size: 0.15, [0.9, 0.5, 0.1], [0.2, 0.1, 0.3]),
                        motion: RigidMotion(start: at([-2.2, 0.6, -0.4]), velocity: [1.1 * speed, 0, 0], spinAxis: [0.3, 1, 0.2], spinRate: 0.9 * speed)),
            SceneObject(id: 6, .sphere(radius: 0.4), .noise(scale: 0.1, [0.6, 0.1, 0.5], [0.95, 0.8, 0.9]),
                        motion: RigidMotion(start: at([1.8, 0.45, 0.3]), velocity: [-1.0 * speed, 0, -0.1 * speed], spinAxis: [0, 0, 1], spinRate: -1.2 * speed)),
            SceneObject(id: 7, .box(half: [0.25, 0.5, 0.05]), .stripes(period: 0.1, [0.1, 0.1, 0.1], [0.9, 0.9, 0.95]),
                        motion: RigidMotion(start: at([0.2, 0.5, -1.2], turn: 0.2), velocity: [0, 0, 0.9 * speed], spinAxis: [0, 1, 0], spinRate: 0.5 * speed)),
        ]
    }
}
