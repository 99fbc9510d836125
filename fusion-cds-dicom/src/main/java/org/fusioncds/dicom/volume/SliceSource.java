package org.fusioncds.dicom.volume;

import java.util.function.Supplier;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.pixel.Frame;

/**
 * One slice offered to the {@link VolumeBuilder}: the data set that describes it, which frame of
 * that data set it is (0 for single-frame instances; the functional groups of an enhanced object
 * are read for that frame), and how to decode its stored values when the builder asks (only after
 * every geometric check has passed, in slice order, one at a time).
 */
public record SliceSource(Dataset dataset, int frameIndex, Supplier<Frame> pixels) {

  public SliceSource(Dataset dataset, Supplier<Frame> pixels) {
    this(dataset, 0, pixels);
  }
}
