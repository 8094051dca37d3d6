// Bindings to Debian's image codec libraries. Only declarations and small
// static inline adapters live here: libpng reports errors with longjmp, which
// Swift cannot catch, so its decode loop is wrapped in C with setjmp.
#ifndef VIGIL_CIMAGECODECS_SHIM_H
#define VIGIL_CIMAGECODECS_SHIM_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>
#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/encode.h>

/// Reader state shared between the libpng callbacks and the caller.
typedef struct {
    const unsigned char *data;
    size_t size;
    size_t pos;
    char message[200];
} vigil_png_source;

static inline void vigil_png_read_cb(png_structp png, png_bytep out, png_size_t n) {
    vigil_png_source *src = (vigil_png_source *)png_get_io_ptr(png);
    if (src->size - src->pos < n) {
        png_error(png, "unexpected end of PNG data (truncated file)");
    }
    memcpy(out, src->data + src->pos, n);
    src->pos += n;
}

static inline void vigil_png_error_cb(png_structp png, png_const_charp msg) {
    vigil_png_source *src = (vigil_png_source *)png_get_error_ptr(png);
    snprintf(src->message, sizeof src->message, "%s", msg);
    png_longjmp(png, 1);
}

static inline void vigil_png_warning_cb(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

/// Decodes a PNG to 8-bit RGB (alpha dropped, palette expanded, grey
/// replicated, 16-bit samples reduced to their high byte) into `out`, which
/// holds `expected_width * expected_height * 3` bytes. The caller has already
/// checked the dimensions against its limits; the header must agree with them.
/// Returns 0 on success, otherwise -1 with a reason in `message`.
static inline int vigil_png_decode_rgb8(
    const unsigned char *data, size_t size, uint32_t expected_width, uint32_t expected_height,
    unsigned char *out, size_t chunk_malloc_max, char *message, size_t message_size) {
    vigil_png_source src = {data, size, 0, {0}};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, vigil_png_error_cb, vigil_png_warning_cb);
    if (!png) {
        snprintf(message, message_size, "libpng could not start");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        snprintf(message, message_size, "%s", src.message[0] ? src.message : "libpng failed");
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        return -1;
    }
    png_set_read_fn(png, &src, vigil_png_read_cb);
    png_set_user_limits(png, expected_width, expected_height);
    png_set_chunk_malloc_max(png, chunk_malloc_max);
    png_set_chunk_cache_max(png, 1000);
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    if (width != expected_width || height != expected_height) {
        png_error(png, "PNG header changed between checks");
    }
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (bit_depth == 16) png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 3) {
        png_error(png, "unexpected PNG row layout after transforms");
    }
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory for row pointers");
    for (uint32_t y = 0; y < height; y++) rows[y] = out + (size_t)y * width * 3;
    png_read_image(png, rows);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

#endif
