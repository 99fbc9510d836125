package org.fusioncds.dicom.volume;

import java.util.List;

/**
 * A scalar volume in modality units (after each slice's modality LUT, for example Hounsfield units
 * for CT), in the patient coordinate system of PS3.3 C.7.6.2.1.1. Voxel (x, y, z) lies at {@code
 * origin + x·spacing[0]·direction[0..2] + y·spacing[1]·direction[3..5] +
 * z·spacing[2]·direction[6..8]} (for z, exactly at {@code slicePositions[z]} along the normal when
 * spacing is irregular). Arrays are shared, not copied: do not modify them.
 *
 * @param width columns (x, along the row direction)
 * @param height rows (y, along the column direction)
 * @param depth slices (z, along the normal, ascending)
 * @param spacing mm between columns, between rows (Pixel Spacing's second then first value), and
 *     the median step between slice positions
 * @param origin the Image Position (Patient) of the first slice, in mm
 * @param direction 3 × 3, row by row: row direction cosines, column direction cosines, normal (row
 *     × column)
 * @param voxels x fastest, then y, then z: {@code voxels[x + width·(y + height·z)]}
 * @param slicePositions each slice's position projected on the normal, in mm, ascending
 * @param sliceOrigins each slice's Image Position (Patient), x, y, z of slice 0 then of slice 1 …
 *     (3 × depth): with a gantry tilt or shear they do not lie on the normal through {@code origin}
 * @param sopInstanceUids the SOP Instance UID of each slice, in volume order
 * @param frameNumbers the frame (1-based) of each slice within its instance, in volume order
 * @param warnings what was tolerated
 */
public record Volume(
    int width,
    int height,
    int depth,
    double[] spacing,
    double[] origin,
    double[] direction,
    float[] voxels,
    double[] slicePositions,
    double[] sliceOrigins,
    List<String> sopInstanceUids,
    List<Integer> frameNumbers,
    List<VolumeWarning> warnings) {

  public float voxel(int x, int y, int z) {
    return voxels[x + width * (y + height * z)];
  }

  /** Bytes of the voxel array. */
  public long sizeInBytes() {
    return 4L * voxels.length;
  }
}
