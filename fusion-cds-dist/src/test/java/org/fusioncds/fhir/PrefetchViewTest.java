package org.fusioncds.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class PrefetchViewTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private static FhirGateway.PrefetchView view(Bundle observations) throws Exception {
    return new FhirGateway.PrefetchView(
        FHIR,
        Map.of(
            "observations",
            new ObjectMapper()
                .readTree(FHIR.newJsonParser().encodeResourceToString(observations))));
  }

  private static Bundle labs(int n) {
    Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    for (int i = 0; i < n; i++) {
      Observation o = new Observation();
      o.setId("lab" + i);
      b.addEntry().setResource(o);
    }
    return b;
  }

  @Test
  void aCompletePrefetchIsUsed() throws Exception {
    List<String> used = new ArrayList<>();
    assertEquals(3, view(labs(3)).bundle("observations", Observation.class, used).size());
    assertEquals(List.of("observations"), used);
  }

  @Test
  void aFirstPageOnlyIsNotUsedSoTheServerIsSearchedForEveryPage() throws Exception {
    Bundle firstPage = labs(10);
    firstPage.addLink().setRelation(Bundle.LINK_NEXT).setUrl("http://ehr/fhir?_getpages=x");
    List<String> used = new ArrayList<>();
    assertNull(view(firstPage).bundle("observations", Observation.class, used));
    assertEquals(List.of(), used);
  }
}
