package org.fusioncds.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import java.net.URI;
import java.util.function.ObjIntConsumer;
import org.apache.http.HttpHost;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.impl.client.HttpClientBuilder;

/**
 * Makes the HAPI FHIR clients of a context (FHIR R4 RESTful API) refuse redirects: a 30x from a
 * FHIR server becomes an error, never a request to wherever its {@code Location} points, so a
 * server that passed the {@link OutboundUrlPolicy} cannot send us on to a host the policy would
 * refuse (CDS Hooks 2.0.1 §fhirServer, SSRF).
 *
 * <p>HAPI's {@link ApacheRestfulClientFactory} drops a client given to {@code setHttpClient}
 * whenever a timeout or pool size is set afterwards, and builds its default one again, which
 * follows redirects. So the context gets a factory whose every Apache HttpClient is built with
 * redirect handling disabled, whatever is set on it later.
 */
public final class FhirHttpClients {

  /** The whole-request limit when none is given (fhir.request-timeout-ms). */
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

  /** The body limit when none is given (fhir.max-response-bytes): 32 MiB. */
  public static final long DEFAULT_MAX_ANSWER_BYTES = 32L << 20;

  private FhirHttpClients() {}

  /**
   * Replaces the context's restful client factory with one that never follows redirects, keeping
   * its server validation mode and pool sizes. The context is changed for every user of it: call
   * this on the context the module's FHIR clients use, before creating clients.
   *
   * @param connectTimeoutMs the limit to open a connection
   * @param socketTimeoutMs the limit to wait for each read of the response
   */
  public static void configure(FhirContext ctx, int connectTimeoutMs, int socketTimeoutMs) {
    configure(
        ctx,
        connectTimeoutMs,
        socketTimeoutMs,
        DEFAULT_REQUEST_TIMEOUT_MS,
        DEFAULT_MAX_ANSWER_BYTES,
        new Pool(20, 20),
        (server, status) -> {});
  }

  /**
   * Connections kept open for reuse (HTTP keep-alive): at most {@code maxPerServer} to one server,
   * {@code maxTotal} in all ({@code fhir.pool.*}); a request beyond them waits for a free one.
   */
  public record Pool(int maxPerServer, int maxTotal) {}

  /**
   * As {@link #configure(FhirContext, int, int)}, and bounds every answer: a request not finished
   * within {@code requestTimeoutMs} is aborted ({@link BoundedAnswers.AnswerTooSlowException}, a
   * {@link java.net.SocketTimeoutException}), a body over {@code maxAnswerBytes} is cut ({@link
   * BoundedAnswers.AnswerTooLargeException}), keeps up to {@code pool} connections open, and tells
   * {@code answers} the server (scheme, host and port) and status of every answer.
   */
  public static void configure(
      FhirContext ctx,
      int connectTimeoutMs,
      int socketTimeoutMs,
      long requestTimeoutMs,
      long maxAnswerBytes,
      Pool pool,
      ObjIntConsumer<URI> answers) {
    IRestfulClientFactory old = ctx.getRestfulClientFactory();
    NoRedirectClientFactory factory =
        new NoRedirectClientFactory(
            ctx, new BoundedAnswers(requestTimeoutMs, maxAnswerBytes), answers);
    factory.setServerValidationMode(old.getServerValidationMode());
    factory.setConnectionRequestTimeout(old.getConnectionRequestTimeout());
    factory.setPoolMaxTotal(pool.maxTotal());
    factory.setPoolMaxPerRoute(pool.maxPerServer());
    factory.setConnectTimeout(connectTimeoutMs);
    factory.setSocketTimeout(socketTimeoutMs);
    factory.setHttpClient(factory.getNativeHttpClient());
    ctx.setRestfulClientFactory(factory);
  }

  /** HAPI's Apache client factory, its HttpClient builder with redirect handling off. */
  static final class NoRedirectClientFactory extends ApacheRestfulClientFactory {

    private final BoundedAnswers bounds;
    private final ObjIntConsumer<URI> answers;

    NoRedirectClientFactory(FhirContext ctx, BoundedAnswers bounds, ObjIntConsumer<URI> answers) {
      super(ctx);
      this.bounds = bounds;
      this.answers = answers;
    }

    @Override
    protected HttpClientBuilder getHttpClientBuilder() {
      return super.getHttpClientBuilder()
          .disableRedirectHandling()
          .addInterceptorFirst((org.apache.http.HttpRequestInterceptor) bounds)
          .addInterceptorLast((org.apache.http.HttpResponseInterceptor) bounds)
          .addInterceptorLast(
              (org.apache.http.HttpResponseInterceptor)
                  (response, context) -> {
                    HttpHost host = HttpClientContext.adapt(context).getTargetHost();
                    answers.accept(
                        URI.create(host == null ? "http://unknown" : host.toURI()),
                        response.getStatusLine().getStatusCode());
                  });
    }
  }
}
