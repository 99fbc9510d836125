package org.fusioncds.dicom.volume;

import org.fusioncds.error.ErrorCode;

/**
 * Something about the series that did not stop the volume from being built but that its user must
 * know (for example a gap between slices). The code is the one the strict mode would throw.
 */
public record VolumeWarning(int code, String message) {

  /** A warning of that code. */
  public VolumeWarning(ErrorCode code, String message) {
    this(code.code(), message);
  }

  @Override
  public String toString() {
    return "FCDS-" + code + " (warning): " + message;
  }
}
