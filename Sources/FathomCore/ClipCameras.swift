/// Per-frame cameras of a clip's labels as geometry types, read from the shard-layout tensors.
extension ClipLabels {
    /// K of frame `t`.
    public func intrinsicsOfFrame(_ t: Int) -> PinholeIntrinsics {
        let k = intrinsics.storage[t * 9 ..< t * 9 + 9].map(Double.init)
        return PinholeIntrinsics(fx: k[0], fy: k[4], cx: k[2], cy: k[5])
    }

    /// `world_from_camera` of frame `t`.
    public func worldFromCameraOfFrame(_ t: Int) -> RigidTransform {
        RigidTransform(rowMajor4x4: worldFromCamera.storage, offset: t * 16)
    }
}

extension RigidTransform {
    /// From 16 row-major values starting at `offset` (the last row is ignored).
    public init(rowMajor4x4 m: [Float], offset: Int) {
        let v = (0 ..< 12).map { Double(m[offset + $0]) }
        self.init(rotation: Matrix3(rows: [v[0], v[1], v[2]], [v[4], v[5], v[6]], [v[8], v[9], v[10]]), translation: [v[3], v[7], v[11]])
    }
}
