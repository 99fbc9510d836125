package org.fusioncds.dicom;

import java.util.List;

/**
 * Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table (the first item, maybe empty) and the
 * fragments that follow, each left in its source.
 */
public record Fragments(BulkData basicOffsetTable, List<BulkData> fragments) {

  public Fragments {
    fragments = List.copyOf(fragments);
  }
}
