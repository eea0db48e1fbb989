/// Unaligned eight-lane loads and stores on plain float planes: the vector loops of flow
/// (densification, variational refinement) read and write rows eight pixels at a time.
@inline(__always)
func load(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func load(_ p: UnsafeMutablePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(p + offset).storeBytes(of: value, as: SIMD8<Float>.self)
}
