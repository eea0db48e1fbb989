import CHDF5

/// Owns one HDF5 identifier and closes it exactly once, when the last reference goes.
///
/// Objects that live inside a file keep the file's handle alive through `parent`, so a dataset
/// can never outlive the file it came from.
final class HDF5Handle {
    let id: hid_t
    private let parent: HDF5Handle?
    private let close: (hid_t) -> herr_t

    init(_ id: hid_t, parent: HDF5Handle? = nil, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.parent = parent
        self.close = close
    }

    deinit {
        let (id, close) = (self.id, self.close)
        HDF5Library.lockedNoThrow { _ = close(id) }
    }
}
