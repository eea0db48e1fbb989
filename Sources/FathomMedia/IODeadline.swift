import CFFmpeg
import Foundation

/// The time by which FFmpeg's current blocking call must return, checked by FFmpeg through an
/// `AVIOInterruptCB` while it waits for input.
///
/// Restarted before every call that may block (open, probe, each packet read), so a long video
/// that keeps delivering never times out, while a source that stalls fails after `seconds`.
final class IODeadline {
    let seconds: Double
    private var deadline: UInt64 = .max
    /// Set once the deadline has passed during a call: tells a timeout from other interruptions.
    private(set) var expired = false

    init(seconds: Double) {
        self.seconds = seconds
    }

    func restart() {
        expired = false
        deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    }

    /// The callback FFmpeg polls: non-zero aborts the call with `AVERROR_EXIT`.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(callback: { opaque in
            guard let opaque else { return 0 }
            let deadline = Unmanaged<IODeadline>.fromOpaque(opaque).takeUnretainedValue()
            if DispatchTime.now().uptimeNanoseconds > deadline.deadline { deadline.expired = true }
            return deadline.expired ? 1 : 0
        }, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
