package org.fusioncds.sandbox;

import java.nio.file.Path;

/**
 * Both sandbox servers of the demo, each on a free port of 127.0.0.1: a HAPI FHIR JPA server (FHIR
 * R4) that creates placeholders for missing reference targets, so any Synthea bundle loads, and a
 * DICOMweb endpoint (PS3.18) over a folder. Closing closes both.
 */
public record SandboxServers(SandboxFhirServer fhir, SandboxDicomWebServer dicomWeb)
    implements AutoCloseable {

  /** Starts the DICOMweb endpoint over {@code dicomRoot} (fast), then the FHIR server (slow). */
  public static SandboxServers start(Path dicomRoot) {
    return start(dicomRoot, new SandboxFhirServer.Settings(0, true));
  }

  /**
   * As {@link #start(Path)}, the FHIR server matching and delivering R4 rest-hook Subscriptions.
   */
  public static SandboxServers startWithSubscriptions(Path dicomRoot) {
    return start(dicomRoot, new SandboxFhirServer.Settings(0, true).withSubscriptions());
  }

  /** As {@link #start(Path)}, the FHIR server's database in files under {@code databaseFolder}. */
  public static SandboxServers start(Path dicomRoot, Path databaseFolder) {
    return start(dicomRoot, new SandboxFhirServer.Settings(0, true).onDisk(databaseFolder));
  }

  private static SandboxServers start(Path dicomRoot, SandboxFhirServer.Settings fhirSettings) {
    SandboxDicomWebServer dicomWeb = SandboxDicomWebServer.start(dicomRoot);
    try {
      return new SandboxServers(SandboxFhirServer.start(fhirSettings), dicomWeb);
    } catch (RuntimeException e) {
      dicomWeb.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      dicomWeb.close();
    } finally {
      fhir.close();
    }
  }
}
