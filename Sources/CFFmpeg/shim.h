// The FFmpeg C API as Swift sees it. AVERROR(e) and the FFERRTAG codes are function-like or
// composite macros Swift cannot import: each becomes a prefixed inline function here, and nowhere else.
#ifndef FATHOM_CFFMPEG_SHIM_H
#define FATHOM_CFFMPEG_SHIM_H
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
// glibc's allocator tuning (mallopt, M_*_THRESHOLD) for FathomMedia's FrameMemory: Swift's Glibc
// module leaves malloc.h out.
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static inline int fathom_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }
static inline int fathom_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int fathom_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int fathom_AVERROR_EXIT(void) { return AVERROR_EXIT; }
static inline int fathom_AVERROR_DECODER_NOT_FOUND(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int fathom_AVERROR_ENOMEM(void) { return AVERROR(ENOMEM); }
static inline int64_t fathom_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
static inline int fathom_AV_TIME_BASE(void) { return AV_TIME_BASE; }

// More error codes Fathom names in its messages (AVERROR(e) negates errno; the rest are FFERRTAGs).
static inline int fathom_AVERROR(int errnum) { return AVERROR(errnum); }
static inline int fathom_AVERROR_STREAM_NOT_FOUND(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int fathom_AVERROR_PATCHWELCOME(void) { return AVERROR_PATCHWELCOME; }
static inline int fathom_AVERROR_ENCODER_NOT_FOUND(void) { return AVERROR_ENCODER_NOT_FOUND; }
static inline int fathom_AVERROR_DEMUXER_NOT_FOUND(void) { return AVERROR_DEMUXER_NOT_FOUND; }
static inline int fathom_AVERROR_PROTOCOL_NOT_FOUND(void) { return AVERROR_PROTOCOL_NOT_FOUND; }
static inline int fathom_AVERROR_HTTP_NOT_FOUND(void) { return AVERROR_HTTP_NOT_FOUND; }
static inline int fathom_AVERROR_HTTP_FORBIDDEN(void) { return AVERROR_HTTP_FORBIDDEN; }

// AV_CODEC_FLAG_GLOBAL_HEADER is a shift expression; an inline function keeps its type an int.
static inline int fathom_AV_CODEC_FLAG_GLOBAL_HEADER(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }

// Log capture. av_log hands its callback a va_list, which Swift cannot receive, so this C callback
// formats the message and passes the finished text to a Swift sink, together with the name of the
// logging context ("h264") and the `opaque` of the codec or format context that logged, where
// Fathom keeps a token naming the file being read. The sink lives in a function-local static (Swift
// does not emit a header's file-scope statics), in the translation unit that calls
// fathom_av_log_install, which also takes the trampoline's address, so the two always pair up.
typedef void (*fathom_av_log_sink)(void *_Nullable owner, int level, const char *_Nullable context, const char *_Nonnull message);

static inline fathom_av_log_sink _Nullable *_Nonnull fathom_av_log_sink_slot(void) {
    static fathom_av_log_sink sink;
    return &sink;
}

/// The opaque pointer of the AVCodecContext or AVFormatContext `avcl` (frame-threaded decoders log
/// through copies of the codec context, which share its opaque), or NULL for other contexts.
static inline void *_Nullable fathom_av_log_owner(void *_Nullable avcl) {
    if (!avcl) return NULL;
    const AVClass *cls = *(const AVClass **)avcl;
    if (cls == avcodec_get_class()) return ((AVCodecContext *)avcl)->opaque;
    if (cls == avformat_get_class()) return ((AVFormatContext *)avcl)->opaque;
    return NULL;
}

static inline void fathom_av_log_trampoline(void *_Nullable avcl, int level, const char *_Nullable format, va_list args) {
    fathom_av_log_sink sink = *fathom_av_log_sink_slot();
    if (level > av_log_get_level() || !format || !sink) return;
    char message[1024];
    vsnprintf(message, sizeof message, format, args);
    const AVClass *cls = avcl ? *(const AVClass **)avcl : NULL;
    const char *context = cls && cls->item_name ? cls->item_name(avcl) : NULL;
    sink(fathom_av_log_owner(avcl), level, context, message);
}

/// Routes every FFmpeg log message at `level` or more severe (AV_LOG_ERROR, …) to `sink` instead of stderr.
static inline void fathom_av_log_install(fathom_av_log_sink _Nonnull sink, int level) {
    *fathom_av_log_sink_slot() = sink;
    av_log_set_level(level);
    av_log_set_callback(fathom_av_log_trampoline);
}

#endif
