package org.fusioncds.dicom.codec;

/**
 * One decoded JPEG frame (DCT or lossless). {@code samples} holds the component values as stored in
 * the codestream (no colour conversion, except R,G,B from {@link JpegExtendedDecoder#decodeToRgb}),
 * interleaved by pixel, row-major, each upsampled to full resolution and clamped to {@code [0,
 * 2^precision - 1]} (lossless: reconstructed modulo 2^16, as libjpeg does).
 *
 * @param width samples per line
 * @param height number of lines
 * @param components 1 (grey) or 3 (for example Y, Cb, Cr)
 * @param precision sample precision in bits: 8 or 12 (DCT), 2..16 (lossless)
 * @param samples {@code width * height * components} values
 */
public record JpegExtendedImage(
    int width, int height, int components, int precision, int[] samples) {}
