import CHDF5

/// A Swift scalar type that maps one-to-one onto an HDF5 memory type, so arrays are read and
/// written without conversion.
protocol HDF5Element: Sendable {
    /// The HDF5 memory type id (call only inside `HDF5Library.locked`).
    static var hdf5Type: hid_t { get }
    /// The numpy-style name of the stored type, as `Schemas/` spells it.
    static var dtypeName: String { get }
}

extension UInt8: HDF5Element {
    static var hdf5Type: hid_t { fathom_H5T_NATIVE_UINT8() }
    static var dtypeName: String { "uint8" }
}

extension Int64: HDF5Element {
    static var hdf5Type: hid_t { fathom_H5T_NATIVE_INT64() }
    static var dtypeName: String { "int64" }
}

extension Float: HDF5Element {
    static var hdf5Type: hid_t { fathom_H5T_NATIVE_FLOAT() }
    static var dtypeName: String { "float32" }
}

extension Double: HDF5Element {
    static var hdf5Type: hid_t { fathom_H5T_NATIVE_DOUBLE() }
    static var dtypeName: String { "float64" }
}

extension Float16: HDF5Element {
    /// IEEE 754 half precision built exactly as h5py builds it (HDF5 1.10 predefines no half
    /// type): a copy of IEEE F32LE with sign at bit 15, a 5-bit exponent at bit 10 biased by 15
    /// and a 10-bit mantissa at bit 0, shrunk to 2 bytes. h5py recognises this layout and reads
    /// the data as numpy float16. Created once and kept for the life of the process.
    static var hdf5Type: hid_t { halfType }
    static var dtypeName: String { "float16" }
}

private let halfType: hid_t = HDF5Library.lockedNoThrow {
    let type = H5Tcopy(fathom_H5T_IEEE_F32LE())
    H5Tset_fields(type, 15, 10, 5, 0, 10)
    H5Tset_size(type, 2)
    H5Tset_ebias(type, 15)
    H5Tlock(type)
    return type
}
