package org.fusioncds.dicom.volume;

/**
 * Something about the series that did not stop the volume from being built but that its user must
 * know (for example a gap between slices). The code is the one the strict mode would throw.
 */
public record VolumeWarning(int code, String message) {

  @Override
  public String toString() {
    return "FCDS-" + code + " (warning): " + message;
  }
}
