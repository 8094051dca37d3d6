// Bindings to Debian's FFmpeg libraries (libavformat, libavcodec, libswscale, libavutil).
// Only declarations and small static inline adapters live here: FFmpeg's error codes and
// sentinels are macros Swift cannot import, and reading from memory needs C callbacks.
#ifndef VIGIL_CFFMPEG_SHIM_H
#define VIGIL_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>

static inline int vigil_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int vigil_averror_eof(void) { return AVERROR_EOF; }
static inline int64_t vigil_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int64_t vigil_av_time_base(void) { return AV_TIME_BASE; }
static inline int vigil_sws_area(void) { return SWS_AREA; }

/// An in-memory input for libavformat: the caller keeps `data` alive while it is open.
typedef struct {
    const uint8_t *data;
    int64_t size;
    int64_t pos;
} vigil_av_memory;

static int vigil_av_memory_read(void *opaque, uint8_t *buf, int n) {
    vigil_av_memory *m = (vigil_av_memory *)opaque;
    int64_t left = m->size - m->pos;
    if (left <= 0) return AVERROR_EOF;
    if (n > left) n = (int)left;
    memcpy(buf, m->data + m->pos, (size_t)n);
    m->pos += n;
    return n;
}

static int64_t vigil_av_memory_seek(void *opaque, int64_t offset, int whence) {
    vigil_av_memory *m = (vigil_av_memory *)opaque;
    if (whence & AVSEEK_SIZE) return m->size;
    int64_t base;
    switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = m->pos; break;
    case SEEK_END: base = m->size; break;
    default: return AVERROR(EINVAL);
    }
    int64_t target = base + offset;
    if (target < 0 || target > m->size) return AVERROR(EINVAL);
    m->pos = target;
    return target;
}

/// Opens `m` as an AVIOContext with a 64 KiB buffer; NULL when out of memory.
static inline AVIOContext *vigil_avio_open_memory(vigil_av_memory *m) {
    const int size = 1 << 16;
    unsigned char *buffer = (unsigned char *)av_malloc(size);
    if (!buffer) return NULL;
    AVIOContext *io = avio_alloc_context(buffer, size, 0, m, vigil_av_memory_read, NULL, vigil_av_memory_seek);
    if (!io) av_free(buffer);
    return io;
}

static inline void vigil_avio_close_memory(AVIOContext *io) {
    if (!io) return;
    av_freep(&io->buffer);
    avio_context_free(&io);
}

/// Whether the codec decodes with slice threads.
static inline int vigil_codec_has_slice_threads(const AVCodec *codec) {
    return (codec->capabilities & AV_CODEC_CAP_SLICE_THREADS) != 0;
}

static inline int vigil_ff_thread_slice(void) { return FF_THREAD_SLICE; }

/// Whether the codec decodes with frame threads.
static inline int vigil_codec_has_frame_threads(const AVCodec *codec) {
    return (codec->capabilities & AV_CODEC_CAP_FRAME_THREADS) != 0;
}

static inline int vigil_ff_thread_frame(void) { return FF_THREAD_FRAME; }

#endif
