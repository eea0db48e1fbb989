// The FFmpeg C API as Swift sees it. AVERROR(e) and the FFERRTAG codes are function-like or
// composite macros Swift cannot import: each becomes a prefixed inline function here, and nowhere else.
#ifndef FATHOM_CFFMPEG_SHIM_H
#define FATHOM_CFFMPEG_SHIM_H
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

static inline int fathom_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }
static inline int fathom_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int fathom_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int fathom_AVERROR_EXIT(void) { return AVERROR_EXIT; }
static inline int fathom_AVERROR_DECODER_NOT_FOUND(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int fathom_AVERROR_ENOMEM(void) { return AVERROR(ENOMEM); }
static inline int64_t fathom_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
static inline int fathom_AV_TIME_BASE(void) { return AV_TIME_BASE; }

#endif
