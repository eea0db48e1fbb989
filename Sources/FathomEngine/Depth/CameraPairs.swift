import FathomCore

/// The clip's cameras as the depth stages need them: any frame's pixels seen from any other
/// frame's camera, at the working resolution.
struct CameraPairs {
    let worldFromCamera: [RigidTransform]
    let intrinsics: PinholeIntrinsics

    /// Frame `frame`'s pixels seen from the camera of frame `other`.
    func camera(_ other: Int, seeing frame: Int) -> RelativeCamera {
        RelativeCamera(otherFromThis: worldFromCamera[other].inverse * worldFromCamera[frame], intrinsics: intrinsics)
    }
}
