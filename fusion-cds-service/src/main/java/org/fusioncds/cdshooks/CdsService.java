package org.fusioncds.cdshooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One entry of the discovery response (CDS Hooks 2.0.1 §Discovery): what the EHR needs to call the
 * service, including the prefetch templates it may fill.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CdsService(
    String id,
    String hook,
    String title,
    String description,
    Map<String, String> prefetch,
    String usageRequirements) {

  public CdsService {
    prefetch = Map.copyOf(prefetch);
  }
}
