import Dispatch
import FathomCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A clip's `rgb` dataset, compressed frame by frame on an idle-priority thread from the moment
/// a worker takes the clip, while the engine labels it. The engine's serial stages (the cameras, the
/// quality figures) leave a core idle, and this fills it; when the labels are ready, `finish`
/// compresses whatever frames are left on the calling thread and its helpers. The bytes are the
/// same either way.
public final class RGBEncoding: @unchecked Sendable {
    private let deflater: ChunkDeflater<UInt8>
    private let storage: HDF5Storage
    /// The next frame not yet claimed; each frame is claimed by exactly one thread.
    private let next = Atomic<Int>(0)
    /// Deflated frames, each written once by the thread that claimed it.
    private let chunks: UnsafeMutableBufferPointer<[UInt8]>
    /// Signalled when the idle-priority thread has stopped claiming frames.
    private let backgroundDone = DispatchSemaphore(value: 0)

    /// Starts compressing `rgb` ([T, H, W, 3]) as `options` say.
    public init(_ rgb: Tensor<UInt8>, options: ShardWriterOptions) {
        precondition(rgb.shape.count == 4 && rgb.shape[3] == 3, "clip RGB must have shape [T, H, W, 3], got \(rgb.shape)")
        storage = EncodedClip.rgbStorage(height: rgb.shape[1], width: rgb.shape[2], options: options)
        deflater = ChunkDeflater(rgb, chunk: storage.chunk!, level: options.compressionLevel)
        chunks = .allocate(capacity: deflater.count)
        chunks.initialize(repeating: [])
        let thread = Thread { [self] in
            Self.lowerPriority()
            drain()
            backgroundDone.signal()
        }
        thread.start()
    }

    deinit {
        chunks.deinitialize()
        chunks.deallocate()
    }

    /// The dataset, once every frame is compressed: the rest are shared out over the cores now.
    func finish() -> HDF5EncodedDataset {
        parallelRows(deflater.count, minimumWork: 4096) { _ in drain() }
        backgroundDone.wait()  // the frame the idle thread may still be on; also orders its writes before the reads below
        backgroundDone.signal()  // for another call
        return HDF5EncodedDataset(deflater.data, storage: storage, deflated: Array(chunks))
    }

    /// Claims and compresses frames until none is left.
    private func drain() {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < deflater.count else { return }
            chunks[index] = deflater.chunk(index)
        }
    }

    /// The calling thread yields to every normal-priority thread (nice 19), so the engine's
    /// threads keep their cores and this one gets what they leave idle. On Linux the nice value
    /// is per thread, and process 0 is the calling thread.
    private static func lowerPriority() {
        #if canImport(Glibc)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
