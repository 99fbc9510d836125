package org.fusioncds.dicom.pixel;

import java.util.List;
import java.util.Optional;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;

/**
 * Lookup of a functional group macro for one frame of an enhanced multi-frame object (PS3.3
 * C.7.6.16): the item of the macro's sequence in Per-Frame Functional Groups (5200,9230) item N
 * wins over the one in Shared Functional Groups (5200,9229).
 */
public final class FunctionalGroups {

  private FunctionalGroups() {}

  /** Whether the data set has functional groups at all (an enhanced multi-frame object). */
  public static boolean present(Dataset ds) {
    return ds.contains(Tag.SharedFunctionalGroupsSequence)
        || ds.contains(Tag.PerFrameFunctionalGroupsSequence);
  }

  /**
   * The first item of the macro sequence {@code macroTag} that applies to frame {@code frameIndex}
   * (0-based): per-frame first, then shared; empty when neither has it.
   */
  public static Optional<Dataset> find(Dataset ds, int frameIndex, int macroTag) {
    List<Dataset> perFrame = ds.getSequence(Tag.PerFrameFunctionalGroupsSequence);
    if (frameIndex >= 0 && frameIndex < perFrame.size()) {
      List<Dataset> items = perFrame.get(frameIndex).getSequence(macroTag);
      if (!items.isEmpty()) {
        return Optional.of(items.get(0));
      }
    }
    List<Dataset> shared = ds.getSequence(Tag.SharedFunctionalGroupsSequence);
    if (!shared.isEmpty()) {
      List<Dataset> items = shared.get(0).getSequence(macroTag);
      if (!items.isEmpty()) {
        return Optional.of(items.get(0));
      }
    }
    return Optional.empty();
  }
}
