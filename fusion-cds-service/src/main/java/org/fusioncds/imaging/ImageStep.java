package org.fusioncds.imaging;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.volume.SliceSource;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.dicom.web.FrameFetcher;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.ImageInput;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.model.StudySelector;
import org.fusioncds.security.OutboundUrlPolicy;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gather} step, image side: the chosen study's PACS (its ImagingStudy.endpoint, else the
 * configured DICOMweb base), the first instance of its eligible series, its WADO-RS metadata and
 * frame 0, decoded (or transcoded by the PACS when we lack the syntax); for a model card with a
 * {@code volume} section, the whole series ({@link SeriesGather}), whose frames are fetched in
 * parallel as the volume builder takes them. The card is the one of the job's model. A PACS that
 * fails leaves the image missing, disclosed with the reason; it does not stop the case.
 */
public final class ImageStep implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ImageStep.class);

  /**
   * Where the step may connect: DICOMweb bases from Endpoint resources must pass {@code
   * dicomWebServers}; an Endpoint referenced by absolute URL must lie on an allowed FHIR server.
   * The PACS gets the service's own token (null: none). Every retrieval is audited.
   */
  public record Guard(
      OutboundUrlPolicy dicomWebServers, OutboundUrlPolicy fhirServers, AuditTrail audit) {}

  /**
   * What the image branch needs of a model card: its study rule, and whether it reads a volume (a
   * whole series, {@link SeriesGather}) rather than one instance.
   */
  public record Wanted(StudySelector selector, boolean volume) {}

  private final Function<String, Wanted> wanted;
  private final SeriesGather seriesGather;
  private final String defaultBase;
  private final Supplier<String> pacsToken;
  private final DicomWebClient.Settings settings;
  private final Guard guard;
  private final Map<String, DicomWebClient> clients = new ConcurrentHashMap<>();

  /** One radiograph card's image branch. */
  public ImageStep(
      StudySelector selector,
      String defaultBase,
      Supplier<String> pacsToken,
      DicomWebClient.Settings settings,
      Guard guard) {
    this(modelId -> new Wanted(selector, false), null, defaultBase, pacsToken, settings, guard);
  }

  /**
   * The image branch of every served model: {@code wanted} by model id (the job's); {@code
   * seriesGather} fetches the series of a volume card (null when no served card reads a volume).
   */
  public ImageStep(
      Function<String, Wanted> wanted,
      SeriesGather seriesGather,
      String defaultBase,
      Supplier<String> pacsToken,
      DicomWebClient.Settings settings,
      Guard guard) {
    this.wanted = wanted;
    this.seriesGather = seriesGather;
    this.defaultBase = defaultBase == null || defaultBase.isBlank() ? null : defaultBase;
    this.pacsToken = pacsToken == null ? () -> null : pacsToken;
    this.settings = settings;
    this.guard = guard;
  }

  /**
   * The image of the context's study (for a volume card: the slices of its series, whose frames are
   * being fetched), or why it is missing (the case goes on either way).
   */
  public ImageInput fetch(PatientContext c) {
    Wanted w = wanted.apply(c.job().modelId());
    try {
      if (w.volume()) {
        return ImageInput.ofSeries(c, series(c, w.selector()));
      }
      return ImageInput.of(c, image(c, w.selector()));
    } catch (FcdsException e) {
      LOG.warn("image of job {} not fetched: {}", c.job().jobId(), e.getMessage());
      return ImageInput.missing(c, e.getMessage());
    }
  }

  /**
   * The slices of the study's series the card accepts (QIDO-RS series and instances, WADO-RS series
   * metadata; frames are fetched as the volume builder takes them). Audited as one retrieval of the
   * series.
   */
  private List<SliceSource> series(PatientContext c, StudySelector selector) {
    if (seriesGather == null) {
      throw new IllegalStateException("a volume card is served without a series gather");
    }
    String studyUid = StudySelector.studyUid(c.study());
    Set<String> eligible = new LinkedHashSet<>();
    c.study().getSeries().stream()
        .filter(selector::eligible)
        .forEach(s -> eligible.add(s.getUid()));
    String base = null;
    String seriesUid = null;
    try {
      long t0 = System.nanoTime();
      base = c.reads().audited(() -> base(c.fhir(), c.study()));
      SeriesGather.Series s = seriesGather.gather(client(base), studyUid, eligible, selector);
      seriesUid = s.seriesUid();
      LOG.info(
          "series of job {}: {} slices listed and their headers read in {} ms; frames follow",
          c.job().jobId(),
          s.slices().size(),
          (System.nanoTime() - t0) / 1_000_000);
      audit(c, base, studyUid, seriesUid, null, null);
      return s.slices();
    } catch (FcdsException e) {
      audit(c, base, studyUid, seriesUid, null, e.codeText());
      throw e;
    }
  }

  private DicomImage image(PatientContext c, StudySelector selector) {
    String studyUid = StudySelector.studyUid(c.study());
    ImagingStudy.ImagingStudySeriesComponent series =
        c.study().getSeries().stream().filter(selector::eligible).findFirst().orElseThrow();
    String base = null;
    String instanceUid = null;
    try {
      base = c.reads().audited(() -> base(c.fhir(), c.study()));
      DicomWebClient client = client(base);
      instanceUid =
          series.getInstance().isEmpty()
              ? firstInstance(client, studyUid, series.getUid())
              : series.getInstanceFirstRep().getUid();
      DicomImage image = retrieve(client, studyUid, series.getUid(), instanceUid);
      audit(c, base, studyUid, series.getUid(), instanceUid, null);
      return image;
    } catch (FcdsException e) {
      audit(c, base, studyUid, series.getUid(), instanceUid, e.codeText());
      throw e;
    }
  }

  /** The retrieval's AuditEvent: a success, or the code it failed with. */
  private void audit(
      PatientContext c, String base, String study, String series, String instance, String failure) {
    AuditTrail trail = guard.audit();
    trail.record(
        c.audit(),
        trail
            .events()
            .dicomRead(c.audit(), base, study, series, instance, failure == null, failure));
  }

  private DicomImage retrieve(
      DicomWebClient client, String studyUid, String seriesUid, String instanceUid) {
    List<Dataset> metadata =
        DicomJson.read(
            DicomJson.MAPPER.valueToTree(
                client.retrieveInstanceMetadata(studyUid, seriesUid, instanceUid)));
    if (metadata.size() != 1) {
      throw new FcdsException(
          ErrorCode.INSTANCE_METADATA_COUNT,
          "instance metadata has " + metadata.size() + " data sets — " + instanceUid);
    }
    return new DicomImage(metadata.get(0), new FrameFetcher(client).fetch(metadata.get(0), 0));
  }

  private static String firstInstance(DicomWebClient client, String study, String series) {
    return client.searchInstances(study, series, Map.of("limit", "1")).stream()
        .findFirst()
        .map(n -> n.path("00080018").path("Value").path(0).asText())
        .orElseThrow(
            () ->
                new FcdsException(
                    ErrorCode.SERIES_WITHOUT_INSTANCES,
                    "series has no instances on the PACS — " + series));
  }

  /**
   * The study's DICOMweb endpoint (ImagingStudy.endpoint → Endpoint.address, on the allowlist),
   * else the configured default. A relative reference is read from the hook's FHIR server; an
   * absolute one only from an allowed FHIR server.
   */
  private String base(IGenericClient fhir, ImagingStudy study) {
    for (Reference ref : study.getEndpoint()) {
      String url = ref.getReference();
      if (url != null && url.contains("://")) {
        guard.fhirServers().check(url, "Endpoint reference");
      }
      Endpoint e = endpoint(fhir, url);
      if (e.getAddress() != null) {
        return guard.dicomWebServers().check(e.getAddress(), "DICOMweb endpoint").toString();
      }
    }
    if (defaultBase == null) {
      throw new FcdsException(
          ErrorCode.DICOMWEB_BASE_MISSING,
          "the study names no DICOMweb endpoint and dicomweb.base-url is not set");
    }
    return defaultBase;
  }

  /** The Endpoint a study names; a FHIR failure is a coded error (the image is then missing). */
  private static Endpoint endpoint(IGenericClient fhir, String url) {
    try {
      return fhir.read().resource(Endpoint.class).withUrl(url).execute();
    } catch (FhirClientConnectionException e) {
      throw new FcdsException(
          ErrorCode.STUDY_ENDPOINT_UNREADABLE,
          "the study's Endpoint cannot be read — no answer for " + url);
    } catch (BaseServerResponseException e) {
      throw new FcdsException(
          ErrorCode.STUDY_ENDPOINT_UNREADABLE,
          "the study's Endpoint cannot be read — HTTP " + e.getStatusCode() + " for " + url);
    }
  }

  private DicomWebClient client(String base) {
    return clients.computeIfAbsent(
        base, b -> new DicomWebClient(URI.create(b), pacsToken, settings));
  }

  @Override
  public void close() {
    clients.values().forEach(DicomWebClient::close);
    if (seriesGather != null) {
      seriesGather.close();
    }
  }
}
