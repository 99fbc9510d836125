package org.fusioncds.dicom;

/**
 * Bounds that keep a hostile or broken file from exhausting the heap or the CPU. Every declared
 * size is checked against them <em>before</em> anything is allocated.
 *
 * @param maxValueLength largest value read into memory while parsing (text, numbers, small binary)
 * @param inlineBinaryLength binary values up to this size are read at once; larger ones stay in the
 *     source until asked for
 * @param maxDepth deepest nesting of sequences
 * @param maxElements most elements in one file, items and nested ones included
 * @param maxInflatedBytes largest data set after inflating a deflated transfer syntax
 * @param maxFramePixels most pixels (rows × columns) in one frame
 * @param maxFrameBytes most bytes of one decoded frame
 */
public record DicomLimits(
    long maxValueLength,
    int inlineBinaryLength,
    int maxDepth,
    int maxElements,
    long maxInflatedBytes,
    long maxFramePixels,
    long maxFrameBytes) {

  /** Defaults sized for radiographs and CT/MR on a 512 MB heap. */
  public static final DicomLimits DEFAULT =
      new DicomLimits(64L << 20, 1024, 32, 1_000_000, 512L << 20, 64L << 20, 256L << 20);
}
