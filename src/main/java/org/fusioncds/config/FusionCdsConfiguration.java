package org.fusioncds.config;

import java.util.List;
import java.util.Map;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.fusioncds.cdshooks.CdsHooksEndpoints;
import org.fusioncds.cdshooks.CdsService;

/** The beans the routes call, made from settings ({@code cds.*}, {@code fhir.*}, ...). */
public class FusionCdsConfiguration implements CamelConfiguration {

  @PropertyInject("cds.service.id")
  String serviceId;

  @PropertyInject("cds.service.title")
  String serviceTitle;

  @PropertyInject("cds.service.description")
  String serviceDescription;

  @BindToRegistry("cdsHooks")
  public CdsHooksEndpoints cdsHooks() {
    CdsService service =
        new CdsService(
            serviceId,
            "patient-view",
            serviceTitle,
            serviceDescription,
            Map.of(
                "patient", "Patient/{{context.patientId}}",
                "conditions", "Condition?patient={{context.patientId}}&clinical-status=active"),
            "Reads Patient, ImagingStudy, Observation and Condition from the FHIR server, and the"
                + " images of the latest eligible study from the PACS its ImagingStudy names.");
    return new CdsHooksEndpoints(List.of(service));
  }
}
