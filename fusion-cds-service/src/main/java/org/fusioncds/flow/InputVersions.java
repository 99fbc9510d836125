package org.fusioncds.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * The versions of everything a case was gathered from: the Patient, every ImagingStudy, every
 * Observation and Condition the searches returned (not only those the model used), as sorted {@code
 * Type/id/_history/v} references. Two gathers with equal versions read the same data, so they give
 * the same model inputs and the same result key: the cheap freshness check of the cached path
 * compares these instead of gathering again.
 */
public record InputVersions(List<String> references) {

  public InputVersions {
    references = references.stream().sorted().toList();
  }

  /**
   * The versions of these resources, or empty when any of them lacks an id or a version id (then
   * equality would prove nothing, and the case is always gathered in full).
   */
  public static Optional<InputVersions> of(List<? extends Resource> resources) {
    List<String> refs = new ArrayList<>(resources.size());
    for (Resource r : resources) {
      String id = r.getIdElement().getIdPart();
      String version =
          r.getIdElement().hasVersionIdPart()
              ? r.getIdElement().getVersionIdPart()
              : r.getMeta().getVersionId();
      if (id == null || id.isBlank() || version == null || version.isBlank()) {
        return Optional.empty();
      }
      refs.add(r.fhirType() + "/" + id + "/_history/" + version);
    }
    return Optional.of(new InputVersions(refs));
  }

  /** The versions of a gathered case: patient, studies, observations, conditions. */
  public static Optional<InputVersions> of(GatheredInputs g) {
    List<Resource> all = new ArrayList<>();
    all.add(g.context().patient());
    all.addAll(g.context().studies());
    all.addAll(g.clinical().observations());
    all.addAll(g.clinical().conditions());
    return of(all);
  }
}
