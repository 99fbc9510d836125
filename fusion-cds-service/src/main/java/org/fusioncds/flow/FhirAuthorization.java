package org.fusioncds.flow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code fhirAuthorization} of a hook request (CDS Hooks 2.0.1 §Passing the Access Token). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FhirAuthorization(
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("expires_in") Integer expiresIn,
    @JsonProperty("scope") String scope,
    @JsonProperty("subject") String subject) {

  /** Never print the token itself. */
  @Override
  public String toString() {
    return "FhirAuthorization[token_type=" + tokenType + ", expires_in=" + expiresIn + "]";
  }
}
