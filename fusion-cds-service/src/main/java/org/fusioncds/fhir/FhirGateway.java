package org.fusioncds.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.exceptions.NonFhirResponseException;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.flow.StoredKeys;
import org.fusioncds.security.BoundedAnswers;
import org.fusioncds.security.OutboundUrlPolicy;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads one patient's data for the model (FHIR R4 RESTful API): what the EHR prefetched is used as
 * is; the rest is searched on the hook's {@code fhirServer} with its bearer token. Searches follow
 * {@code next} links up to a bound. Errors are coded: 3001 unreachable, 3002 token refused, 3003
 * patient not found, 3004 any other server error, 3005 a prefetched value of the wrong type, 3007
 * no answer in time, 3008 an answer that is not the resource asked for, 3009 an answer over the
 * size limit, 3010 paging that loops, 3013 more pages than {@value #MAX_PAGES}, 3015 a link to a
 * server the module may not call ({@link ServerBound}).
 */
public final class FhirGateway {

  private static final int MAX_PAGES = 20;

  /** The most stored reports' keys read in one page; a full page leaves every key looked up. */
  static final int KEYS_PAGE = 50;

  /** How much wider than the card's windows the study and Observation searches ask (a day). */
  private static final Duration WINDOW_MARGIN = Duration.ofDays(1);

  /**
   * How far past each end of its window a windowed search's answer is sure to be whole: the margin
   * less the 14 hours a value without a time zone may be read apart by.
   */
  public static final Duration WINDOW_WHOLE = WINDOW_MARGIN.minusHours(14);

  /**
   * {@code Cache-Control: no-cache} on every search: a server may answer a repeated search from a
   * cache (HAPI FHIR JPA reuses results for 60 s by default), and a lab added within that time must
   * be seen.
   */
  private static final CacheControlDirective FRESH = new CacheControlDirective().setNoCache(true);

  /** A search run at once whose results the server need not keep (one page, never paged on). */
  private static final CacheControlDirective NOT_KEPT =
      new CacheControlDirective().setNoCache(true).setNoStore(true);

  /** The prefetch keys the service reads, in the order it reads them (discovery's templates). */
  public static final java.util.List<String> PREFETCH_KEYS =
      java.util.List.of("patient", "studies", "observations", "conditions");

  private final FhirContext fhir;
  private final OutboundUrlPolicy servers;

  /** Clients that send requests to their own server's origin only ({@link ServerBound}). */
  public FhirGateway(FhirContext fhir, int connectTimeoutMs, int socketTimeoutMs) {
    this(fhir, connectTimeoutMs, socketTimeoutMs, null);
  }

  /**
   * @param servers the FHIR allowlist ({@code security.fhir-servers}): a URL a server's answer
   *     gives that lies on another origin is followed only when it passes (null: never)
   */
  public FhirGateway(
      FhirContext fhir, int connectTimeoutMs, int socketTimeoutMs, OutboundUrlPolicy servers) {
    this.fhir = fhir;
    this.servers = servers;
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setConnectTimeout(connectTimeoutMs);
    fhir.getRestfulClientFactory().setSocketTimeout(socketTimeoutMs);
  }

  /**
   * A client for one server: each request goes to that server's origin, or a URL its answer gave
   * that passes the allowlist, else FCDS-3015 before anything connects ({@link ServerBound}); the
   * token source is asked before every request (a hook's token may expire before the background
   * write-back; null: no Authorization header), and each interceptor (the audit trail's) sees every
   * request.
   */
  public IGenericClient client(
      String baseUrl, Supplier<String> bearerToken, IClientInterceptor... interceptors) {
    IGenericClient client = fhir.newRestfulGenericClient(baseUrl);
    client.registerInterceptor(new ServerBound(baseUrl, servers)); // first: nothing else runs
    client.setEncoding(EncodingEnum.JSON); // ask for JSON, not XML at equal weight
    if (bearerToken != null) {
      client.registerInterceptor(new BearerTokens(bearerToken));
    }
    for (IClientInterceptor i : interceptors) {
      client.registerInterceptor(i);
    }
    return client;
  }

  /** Sets {@code Authorization: Bearer} from the token source on each request (RFC 6750). */
  private record BearerTokens(Supplier<String> tokens) implements IClientInterceptor {

    @Override
    public void interceptRequest(IHttpRequest request) {
      String token = tokens.get();
      if (token != null) {
        request.addHeader("Authorization", "Bearer " + token);
      }
    }

    @Override
    public void interceptResponse(IHttpResponse response) {}
  }

  /** The Patient: prefetch {@code patient} first, then the read. */
  public Patient patient(IGenericClient client, String patientId, PrefetchView prefetch) {
    Patient patient = prefetch.resource("patient", Patient.class, new ArrayList<>());
    if (patient != null) {
      return patient;
    }
    return call(
        () -> client.read().resource(Patient.class).withId(patientId).execute(),
        "Patient/" + patientId);
  }

  /** The patient's ImagingStudies: prefetch {@code studies} first, else the search {@code url}. */
  public List<ImagingStudy> studies(IGenericClient client, String url, PrefetchView prefetch) {
    List<ImagingStudy> studies = prefetch.bundle("studies", ImagingStudy.class, new ArrayList<>());
    return studies != null ? studies : search(client, url, ImagingStudy.class);
  }

  /**
   * The patient's Observations: prefetch {@code observations} first, else the search {@code url}.
   */
  public List<Observation> observations(IGenericClient client, String url, PrefetchView prefetch) {
    List<Observation> observations =
        prefetch.bundle("observations", Observation.class, new ArrayList<>());
    return observations != null ? observations : search(client, url, Observation.class);
  }

  /** The patient's Conditions: prefetch {@code conditions} first, then the search. */
  public List<Condition> conditions(
      IGenericClient client, String patientId, PrefetchView prefetch) {
    List<Condition> conditions = prefetch.bundle("conditions", Condition.class, new ArrayList<>());
    return conditions != null
        ? conditions
        : search(client, conditionsSearch(patientId), Condition.class);
  }

  /**
   * The patient's ImagingStudies, all of them: the prefetch template the service's discovery
   * declares. The searches the gather makes are relative to the server base; the freshness check of
   * the cached path ({@code recall}) asks the same ones, so both see the same resources.
   */
  public static String studiesSearch(String patientId) {
    return "ImagingStudy?patient=" + patientId + "&_count=50";
  }

  /**
   * The gather's study search when the card limits a study's age: those started within {@code
   * [from, to]} widened by {@link #WINDOW_MARGIN} on each side ({@code started}, FHIR R4's search
   * parameter on ImagingStudy.started; see {@link #observationsSearch(String, List, Instant,
   * Instant)} for why the margin).
   */
  public static String studiesSearch(String patientId, Instant from, Instant to) {
    return studiesSearch(patientId) + window("started", from, to);
  }

  /**
   * The patient's Observations with any of the given LOINC codes, all of them: the prefetch
   * template the service's discovery declares (a template cannot name the study's time).
   */
  public static String observationsSearch(String patientId, List<String> loincCodes) {
    String codes = String.join(",", loincCodes.stream().map(c -> "http://loinc.org|" + c).toList());
    return "Observation?patient=" + patientId + "&code=" + codes + "&_count=200";
  }

  /**
   * The search the gather makes (see {@link #studiesSearch}): the patient's Observations with any
   * of the given LOINC codes effective ({@code date}, FHIR R4's search parameter on
   * Observation.effective) within the lab window {@code [from, to]} widened by {@link
   * #WINDOW_MARGIN} on each side. The margin makes the answer a superset of the window whatever the
   * precision of a value and the time zone either side reads a date without one in (14 hours at
   * most); the assembly keeps the window exactly. A patient's whole history would be read
   * otherwise: years of vitals, page after page (HAPI FHIR JPA answers each page after the first of
   * a fresh search in about 0.5 s; after 20 pages the search is FCDS-3013).
   */
  public static String observationsSearch(
      String patientId, List<String> loincCodes, Instant from, Instant to) {
    return observationsSearch(patientId, loincCodes) + window("date", from, to);
  }

  private static String window(String parameter, Instant from, Instant to) {
    return "&"
        + parameter
        + "=ge"
        + from.minus(WINDOW_MARGIN).truncatedTo(ChronoUnit.SECONDS)
        + "&"
        + parameter
        + "=le"
        + to.plus(WINDOW_MARGIN).truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * The result keys of the patient's stored reports, one page of at most {@value #KEYS_PAGE}
   * (identifiers only): {@link StoredKeys#complete} when the page is not full, has no {@code next}
   * link and no larger total. {@code Cache-Control: no-cache, no-store}: HAPI FHIR JPA runs it at
   * once (not from a search it ran up to 60 s ago, before a report written since) and stores
   * neither the search nor its results; it then drops the {@code next} link, which is why a full
   * page counts as paged.
   */
  public StoredKeys storedKeys(IGenericClient client, String patientId) {
    Bundle page =
        call(
            () ->
                client
                    .search()
                    .byUrl(storedKeysSearch(patientId))
                    .returnBundle(Bundle.class)
                    .cacheControl(NOT_KEPT)
                    .execute(),
            "DiagnosticReport?subject");
    return storedKeys(page);
  }

  /**
   * The keys on a page of {@link #storedKeysSearch}, complete when the page is the whole answer.
   */
  static StoredKeys storedKeys(Bundle page) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Bundle.BundleEntryComponent e : page.getEntry()) {
      if (e.getResource() instanceof DiagnosticReport d) {
        for (Identifier id : d.getIdentifier()) {
          if (ResultKey.SYSTEM.equals(id.getSystem()) && id.hasValue()) {
            keys.add(id.getValue());
          }
        }
      }
    }
    boolean whole =
        page.getLink(Bundle.LINK_NEXT) == null
            && page.getEntry().size() < KEYS_PAGE
            && (!page.hasTotal() || page.getTotal() <= page.getEntry().size());
    return new StoredKeys(keys, whole);
  }

  /** The search of {@link #storedKeys}: the patient's reports that carry a result key. */
  public static String storedKeysSearch(String patientId) {
    return "DiagnosticReport?subject=Patient/"
        + patientId
        + "&identifier="
        + ResultKey.SYSTEM
        + "|&_elements=identifier&_count="
        + KEYS_PAGE;
  }

  /** The patient's Conditions (see {@link #studiesSearch}). */
  public static String conditionsSearch(String patientId) {
    return "Condition?patient=" + patientId + "&_count=200";
  }

  /**
   * A search and all its {@code next} pages. A search with more than {@value #MAX_PAGES} pages is
   * FCDS-3013 rather than a part of it: the inputs would be incomplete, and a server's order is not
   * the card's (the latest lab could be on the page not read). A {@code next} link to a page
   * already read is FCDS-3010. The messages name the resource type searched, not the search (it
   * names the patient).
   */
  private <T extends Resource> List<T> search(IGenericClient client, String url, Class<T> type) {
    List<T> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    Bundle page =
        call(
            () ->
                client
                    .search()
                    .byUrl(url)
                    .returnBundle(Bundle.class)
                    .cacheControl(FRESH) // HAPI reuses a search's results for 60 s by default
                    .execute(),
            url);
    for (int pages = 1; page != null; pages++) {
      for (Bundle.BundleEntryComponent e : page.getEntry()) {
        if (type.isInstance(e.getResource())) {
          out.add(type.cast(e.getResource()));
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      String searched = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
      if (pages >= MAX_PAGES) {
        throw new FcdsException(
            ErrorCode.FHIR_TOO_MANY_PAGES,
            "page "
                + pages
                + " of the "
                + searched
                + " search has a next link; at most "
                + MAX_PAGES
                + " pages are read");
      }
      if (!seen.add(page.getLink(Bundle.LINK_NEXT).getUrl())) {
        throw new FcdsException(
            ErrorCode.FHIR_PAGING_LOOP,
            "page "
                + (pages + 1)
                + " of the "
                + searched
                + " search leads back to a page already"
                + " read");
      }
      page = nextPage(client, page, url, status -> {}); // the gather's reads audit themselves
    }
    return out;
  }

  /**
   * The {@code next} page of a Bundle the server paged (a search's or a history's), with the
   * failures coded as for single reads; {@code audit} is told the HTTP status (0: no answer).
   */
  public Bundle nextPage(
      IGenericClient client, Bundle page, String what, java.util.function.IntConsumer audit) {
    int[] status = {0};
    try {
      Bundle next =
          call(
              () -> {
                try {
                  return client.loadPage().next(page).execute();
                } catch (BaseServerResponseException e) {
                  status[0] = e.getStatusCode();
                  throw e;
                }
              },
              what + " (next page)");
      status[0] = 200;
      return next;
    } finally {
      audit.accept(status[0]);
    }
  }

  /** One GET of a batch: its URL, the status the server gave it, and the resource it returned. */
  public record BatchEntry(String url, int status, Resource resource) {

    public boolean ok() {
      return status >= 200 && status < 300 && resource != null;
    }
  }

  /**
   * Sends GETs as one FHIR {@code batch} (one round trip; the server answers each entry on its own)
   * and gives each entry's status and resource, in the order asked. {@code audit} is told the URLs
   * and the HTTP status of the batch (0 when no answer came) before any error goes on. Errors are
   * coded as for single reads (3001, 3002, 3004, 3007, 3008, 3009); an answer with another number
   * of entries is 3008.
   */
  public List<BatchEntry> batch(
      IGenericClient client,
      List<String> urls,
      java.util.function.ObjIntConsumer<List<String>> audit) {
    Bundle request = new Bundle().setType(Bundle.BundleType.BATCH);
    for (String url : urls) {
      request.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(url);
    }
    String what = "batch of " + urls.size() + " reads";
    int[] status = {0}; // stays 0 when no answer came
    Bundle answer;
    try {
      answer =
          call(
              () -> {
                try {
                  return client.transaction().withBundle(request).cacheControl(FRESH).execute();
                } catch (BaseServerResponseException e) {
                  status[0] = e.getStatusCode();
                  throw e;
                }
              },
              what);
    } catch (RuntimeException e) {
      audit.accept(urls, status[0]);
      throw e;
    }
    audit.accept(urls, 200);
    if (answer.getEntry().size() != urls.size()) {
      throw new FcdsException(
          ErrorCode.FHIR_ANSWER_INVALID,
          "the batch answer has "
              + answer.getEntry().size()
              + " entries for "
              + urls.size()
              + " requests — "
              + what);
    }
    List<BatchEntry> out = new ArrayList<>(urls.size());
    for (int i = 0; i < urls.size(); i++) {
      Bundle.BundleEntryComponent e = answer.getEntry().get(i);
      out.add(new BatchEntry(urls.get(i), status(e.getResponse().getStatus()), e.getResource()));
    }
    return out;
  }

  /**
   * One GET of {@code url} (relative to the client's base) for a resource of {@code type}, answered
   * as a batch entry would be: an HTTP error status (404, 410, …) is the entry's status, not an
   * exception; no answer at all is a coded failure as for {@link #batch}. {@code audit} is told the
   * status (0: no answer).
   */
  public BatchEntry read(
      IGenericClient client,
      String url,
      Class<? extends Resource> type,
      java.util.function.IntConsumer audit) {
    int[] status = {0};
    try {
      Resource r =
          call(
              () -> {
                try {
                  return (Resource) client.fetchResourceFromUrl(type, url);
                } catch (BaseServerResponseException e) {
                  status[0] = e.getStatusCode();
                  throw e;
                }
              },
              "read");
      audit.accept(200);
      return new BatchEntry(url, 200, r);
    } catch (FcdsException e) {
      audit.accept(status[0]);
      if (status[0] >= 400 && status[0] < 500) {
        return new BatchEntry(url, status[0], null);
      }
      throw e;
    } catch (RuntimeException e) {
      audit.accept(status[0]);
      throw e;
    }
  }

  /** The status code at the start of a batch entry's {@code response.status} ("200 OK"). */
  static int status(String text) {
    if (text == null) {
      return 0;
    }
    String t = text.strip();
    int end = 0;
    while (end < t.length() && end < 3 && Character.isDigit(t.charAt(end))) {
      end++;
    }
    return end == 3 ? Integer.parseInt(t.substring(0, 3)) : 0;
  }

  /** Runs a FHIR call and turns its failures into coded errors (no PHI in messages: ids only). */
  static <T> T call(Supplier<T> request, String what) {
    try {
      return request.get();
    } catch (FhirClientConnectionException e) {
      throw connectionFailure(e, what);
    } catch (DataFormatException | ClassCastException e) {
      throw new FcdsException(
          ErrorCode.FHIR_ANSWER_INVALID,
          "the FHIR server's answer is not the resource asked for — " + what,
          e);
    } catch (NonFhirResponseException e) {
      throw new FcdsException(
          ErrorCode.FHIR_ANSWER_INVALID,
          "the FHIR server answered HTTP "
              + e.getStatusCode()
              + " with a body that is not FHIR — "
              + what);
    } catch (ResourceNotFoundException e) {
      throw new HookDataRefused(ErrorCode.FHIR_NOT_FOUND, "not found on the FHIR server — " + what);
    } catch (AuthenticationException | ForbiddenOperationException e) {
      throw new FcdsException(
          ErrorCode.FHIR_TOKEN_REFUSED,
          "the FHIR server refused the token — HTTP " + e.getStatusCode() + " for " + what);
    } catch (BaseServerResponseException e) {
      throw new FcdsException(
          ErrorCode.FHIR_HTTP_ERROR,
          "the FHIR server answered HTTP " + e.getStatusCode() + " — " + what);
    }
  }

  /**
   * A failed exchange, by its cause: the deadline or a socket timeout (3007), a body over the limit
   * (3009), a body that does not parse (3008), else no usable connection (3001).
   */
  private static FcdsException connectionFailure(FhirClientConnectionException e, String what) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof BoundedAnswers.AnswerTooLargeException) {
        return new FcdsException(ErrorCode.FHIR_ANSWER_TOO_LARGE, c.getMessage() + " — " + what, e);
      }
      if (c instanceof InterruptedIOException) { // socket timeout, deadline, aborted request
        return new FcdsException(
            ErrorCode.FHIR_TIMEOUT, "the FHIR server did not answer in time — " + what, e);
      }
      if (c instanceof DataFormatException) {
        return new FcdsException(
            ErrorCode.FHIR_ANSWER_INVALID,
            "the FHIR server's answer is not the resource asked for — " + what,
            e);
      }
    }
    return new FcdsException(
        ErrorCode.FHIR_UNREACHABLE, "the FHIR server cannot be reached — " + what, e);
  }

  /** The prefetched JSON of a hook, parsed on demand. */
  public record PrefetchView(FhirContext fhir, java.util.Map<String, JsonNode> prefetch) {

    public <T extends Resource> T resource(String key, Class<T> type, List<String> used) {
      IBaseResource r = parse(key);
      if (r == null) {
        return null;
      }
      if (!type.isInstance(r)) {
        throw new HookDataRefused(
            ErrorCode.PREFETCH_UNUSABLE,
            "prefetch '" + key + "' is a " + r.fhirType() + ", expected " + type.getSimpleName());
      }
      used.add(key);
      return type.cast(r);
    }

    /**
     * The resources of a prefetched search; null when it was not prefetched, or when the EHR sent
     * only its first page (a {@code next} link): then the search is made on the server, all pages,
     * so a lab on a later page is never silently left out.
     */
    public <T extends Resource> List<T> bundle(String key, Class<T> type, List<String> used) {
      IBaseResource r = parse(key);
      if (r == null) {
        return null;
      }
      if (!(r instanceof Bundle b)) {
        throw new HookDataRefused(
            ErrorCode.PREFETCH_UNUSABLE,
            "prefetch '" + key + "' is a " + r.fhirType() + ", expected a searchset Bundle");
      }
      if (b.getLink(Bundle.LINK_NEXT) != null) {
        return null;
      }
      List<T> out = new ArrayList<>();
      b.getEntry().stream()
          .map(Bundle.BundleEntryComponent::getResource)
          .filter(type::isInstance)
          .map(type::cast)
          .forEach(out::add);
      used.add(key);
      return out;
    }

    private IBaseResource parse(String key) {
      JsonNode n = prefetch.get(key);
      if (n == null || n.isNull()) {
        return null;
      }
      try {
        return fhir.newJsonParser().parseResource(n.toString());
      } catch (RuntimeException e) {
        // DataFormatException, and what HAPI's parser throws on shapes it does not expect (a
        // Bundle entry whose resource is a string: a NullPointerException while it links the
        // entries; found by the 10,000-case fuzz): the EHR's data, refused as such
        throw new HookDataRefused(
            ErrorCode.PREFETCH_UNUSABLE,
            "prefetch '" + key + "' is not a valid FHIR " + n.path("resourceType").asText());
      }
    }
  }
}
