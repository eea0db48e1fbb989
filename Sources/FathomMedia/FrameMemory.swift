import CFFmpeg

/// Keeps the memory of freed frames mapped so the next clip's frames reuse it.
///
/// Every working frame is a fresh ~0.8 MB allocation (RGB + luma at long side 512) that lives as
/// long as its clip. glibc's defaults return a freed clip's memory to the kernel at once (a
/// trimmed heap top, or `munmap` for blocks over the mmap threshold), so every frame paid ~190
/// page faults and the kernel's zeroing of each page: a sixth of decode+convert time at 640×480. Raising the mmap
/// and trim thresholds, once per process, turns that into ordinary reuse of freed blocks. Peak
/// memory is unchanged (it is set by the clips alive at once); the process keeps up to
/// `trimBytes` of freed memory mapped instead of returning it. Blocks over `mmapBytes` (larger than
/// any working frame) still come from and go back to `mmap`. No-op outside glibc.
enum FrameMemory {
    /// glibc's largest allowed mmap threshold.
    private static let mmapBytes: Int32 = 32 << 20
    private static let trimBytes: Int32 = 256 << 20

    private static let configured: Void = {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, mmapBytes)
        _ = mallopt(M_TRIM_THRESHOLD, trimBytes)
        #endif
    }()

    /// Applies the thresholds, once per process.
    static func keepFreedFramesMapped() {
        _ = configured
    }
}
