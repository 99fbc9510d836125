package org.fusioncds.dicom.codec;

/**
 * A decoded JPEG-LS image.
 *
 * @param width samples per line
 * @param height lines
 * @param components 1 (grey) or 3 (colour)
 * @param bitsPerSample the sample precision P of the frame header, 2 to 16
 * @param near the largest NEAR of the scans: 0 for lossless, otherwise the maximal error
 * @param samples interleaved by pixel (R,G,B,R,G,B… for 3 components), row-major, unsigned as
 *     decoded
 */
public record JpegLsImage(
    int width, int height, int components, int bitsPerSample, int near, int[] samples) {}
