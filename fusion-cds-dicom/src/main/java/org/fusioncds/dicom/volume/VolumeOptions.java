package org.fusioncds.dicom.volume;

import org.fusioncds.dicom.DicomLimits;

/**
 * How strictly a series is turned into a volume.
 *
 * @param relativeTolerance a slice step may deviate from the median step by this fraction (0.01)
 * @param absoluteToleranceMm ... or by this many millimetres, whichever is larger (0.01)
 * @param strict when true, irregular spacing and positions off the slice normal are coded errors;
 *     when false, they are {@link VolumeWarning}s on the volume
 * @param maxVolumeBytes largest voxel array (4 bytes a voxel), checked before any pixel is decoded
 * @param limits the reader's and decoder's limits, for each file and frame
 */
public record VolumeOptions(
    double relativeTolerance,
    double absoluteToleranceMm,
    boolean strict,
    long maxVolumeBytes,
    DicomLimits limits) {

  /** 1 % or 0.01 mm, warnings rather than errors, volumes up to 1 GiB. */
  public static final VolumeOptions DEFAULT =
      new VolumeOptions(0.01, 0.01, false, 1L << 30, DicomLimits.DEFAULT);

  public VolumeOptions strictly() {
    return new VolumeOptions(relativeTolerance, absoluteToleranceMm, true, maxVolumeBytes, limits);
  }

  public VolumeOptions withMaxVolumeBytes(long bytes) {
    return new VolumeOptions(relativeTolerance, absoluteToleranceMm, strict, bytes, limits);
  }
}
