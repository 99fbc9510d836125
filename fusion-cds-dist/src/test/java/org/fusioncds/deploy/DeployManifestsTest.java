package org.fusioncds.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file and the Kubernetes manifests of {@code deploy/} (neither can run here): they
 * parse, they set only settings the service reads (application.properties, logback.xml) and the
 * ConfigMap sets all of them, the probes ask the management port for the paths Camel serves there,
 * workers request a GPU, and no secret value is committed.
 */
class DeployManifestsTest {

  static final Path DEPLOY = Path.of("deploy");
  static final Path K8S = DEPLOY.resolve("k8s");
  static final Path PROPERTIES =
      Path.of("fusion-cds-service/src/main/resources/application.properties");
  static final Path LOGBACK = Path.of("fusion-cds-service/src/main/resources/logback.xml");

  /** The variables that carry secrets: in the Secret, never in the ConfigMap. */
  static final Set<String> SECRET_VARIABLES =
      Set.of("FCDS_CLIENT_SECRET", "FCDS_SUBSCRIPTION_SECRET", "FCDS_SMART_CLIENT_SECRET");

  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:(FCDS_[A-Z0-9_]+):([^}]*)}}");
  static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{(FCDS_[A-Z0-9_]+)");
  static final Pattern SYSTEM_PROPERTY = Pattern.compile("-D([a-z][a-z0-9.-]+)=");

  @Test
  void everyManifestAndTheComposeFilesParseAsYaml() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        if (!file.endsWith("kustomization.yaml")) {
          docs.addAll(documents(file));
        }
      }
    }

    assertTrue(docs.size() >= 6, "manifests: " + docs.size());
    for (Map<String, Object> doc : docs) {
      assertNotNull(doc.get("apiVersion"), doc.toString());
      assertNotNull(doc.get("kind"), doc.toString());
      assertNotNull(map(doc, "metadata").get("name"), doc.toString());
    }
    assertTrue(map(compose(), "services").size() >= 5);
    assertTrue(map(yaml(DEPLOY.resolve("compose.gpu.yaml")), "services").containsKey("worker"));
  }

  @Test
  void kustomizationAppliesEveryManifestButTheSecretExample() throws IOException {
    List<String> resources = list(yaml(K8S.resolve("kustomization.yaml")), "resources");
    List<String> files;
    try (Stream<Path> s = Files.list(K8S)) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml"))
              .sorted()
              .toList();
    }

    assertEquals(files, resources.stream().sorted().toList());
    assertFalse(resources.contains("secret.example.yaml"), "applying it would blank the Secret");
  }

  @Test
  void manifestsAndComposeSetOnlyVariablesAndPropertiesTheServiceReads() throws IOException {
    Set<String> known = environmentVariables();
    Properties properties = properties();
    List<String> unknown = new ArrayList<>();
    Map<String, String> set = new java.util.TreeMap<>(configMapData());
    for (Map<String, Object> c : containers()) {
      for (Map<String, Object> e : DeployManifestsTest.<Map<String, Object>>list(c, "env")) {
        set.put((String) e.get("name"), String.valueOf(e.get("value")));
      }
    }
    for (Map<String, Object> service : ourComposeServices()) {
      map(service, "environment").forEach((k, v) -> set.put(k, String.valueOf(v)));
    }
    set.forEach(
        (name, value) -> {
          if (name.equals("JAVA_TOOL_OPTIONS")) {
            Matcher m = SYSTEM_PROPERTY.matcher(value);
            while (m.find()) {
              if (!properties.containsKey(m.group(1))) {
                unknown.add("-D" + m.group(1));
              }
            }
          } else if (!known.contains(name)) {
            unknown.add(name);
          }
        });

    assertEquals(List.of(), unknown, "not read by the service: " + PROPERTIES);
    assertTrue(set.containsKey("JAVA_TOOL_OPTIONS"), "the workers' batch size is set somewhere");
  }

  @Test
  void theConfigMapSetsEveryVariableTheServiceReadsButTheSecrets() throws IOException {
    Set<String> missing = new TreeSet<>(environmentVariables());
    missing.removeAll(SECRET_VARIABLES);
    missing.removeAll(configMapData().keySet());

    assertEquals(Set.of(), missing, "read by the service, absent from deploy/k8s/configmap.yaml");
    for (String secret : SECRET_VARIABLES) {
      assertFalse(configMapData().containsKey(secret), secret + " in the ConfigMap");
    }
  }

  @Test
  void theSystemdEnvironmentExampleNamesExactlyTheVariablesTheServiceReads() throws IOException {
    Set<String> named = new TreeSet<>();
    for (String line : Files.readAllLines(DEPLOY.resolve("fusion-cds.env.example"))) {
      if (line.startsWith("FCDS_")) {
        named.add(line.substring(0, line.indexOf('=')));
      }
    }

    assertEquals(environmentVariables(), named, "deploy/fusion-cds.env.example");
  }

  @Test
  void probesAskTheManagementPortForThePathsCamelServesThere() throws IOException {
    Properties p = properties();
    assertEquals("true", p.getProperty("camel.management.enabled"));
    assertEquals("true", p.getProperty("camel.management.health-check-enabled"));
    String health = p.getProperty("camel.management.health-path");
    int port = Integer.parseInt(configMapData().get("FCDS_MANAGEMENT_PORT"));
    assertEquals(defaultOf("FCDS_MANAGEMENT_PORT"), String.valueOf(port));
    assertEquals(
        "0.0.0.0", configMapData().get("FCDS_MANAGEMENT_HOST"), "the kubelet probes the pod IP");

    List<Map<String, Object>> containers = containers();
    assertEquals(2, containers.size(), "the hook and the workers");
    for (Map<String, Object> c : containers) {
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        Map<String, Object> get = map(map(c, probe), "httpGet");
        String path = (String) get.get("path");
        String expected = health + (probe.equals("readinessProbe") ? "/ready" : "/live");

        assertEquals(expected, path, c.get("deployment") + " " + probe);
        assertEquals(port, containerPort(c, get.get("port")), c.get("deployment") + " " + probe);
      }
    }
  }

  @Test
  void workersRequestAGpuAndTheHooksDoNot() throws IOException {
    Map<String, Object> worker = container("fusion-cds-worker");
    Map<String, Object> hook = container("fusion-cds-hook");
    Map<String, Object> resources = map(worker, "resources");

    assertEquals(1, map(resources, "requests").get("nvidia.com/gpu"));
    assertEquals(1, map(resources, "limits").get("nvidia.com/gpu"));
    assertEquals(List.of("worker"), list(worker, "args"));
    assertTrue(envValue(worker, "FCDS_INFERENCE_DEVICE").startsWith("cuda:"));
    assertFalse(map(map(hook, "resources"), "requests").containsKey("nvidia.com/gpu"));
    assertEquals(List.of("serve"), list(hook, "args"));

    Map<String, Object> gpuWorker =
        map(map(yaml(DEPLOY.resolve("compose.gpu.yaml")), "services"), "worker");
    Map<String, Object> device =
        DeployManifestsTest.<Map<String, Object>>list(
                map(map(map(gpuWorker, "deploy"), "resources"), "reservations"), "devices")
            .get(0);
    assertEquals("nvidia", device.get("driver"));
    assertEquals(List.of("gpu"), device.get("capabilities"));
  }

  @Test
  void secretsNameTheirKeysAndHoldNoValue() throws IOException {
    Map<String, Object> secret = yaml(K8S.resolve("secret.example.yaml"));
    Map<String, Object> data = map(secret, "stringData");

    assertEquals("Secret", secret.get("kind"));
    data.forEach((k, v) -> assertEquals("", v, "a value committed for " + k));
    assertTrue(data.keySet().containsAll(SECRET_VARIABLES));
    for (Map<String, Object> c : containers()) {
      for (String variable : SECRET_VARIABLES) {
        Map<String, Object> ref = map(map(envEntry(c, variable), "valueFrom"), "secretKeyRef");
        assertEquals(variable, ref.get("key"));
        assertEquals(map(secret, "metadata").get("name"), ref.get("name"));
      }
    }
    for (Map<String, Object> service : ourComposeServices()) {
      for (String variable : SECRET_VARIABLES) {
        assertTrue(
            String.valueOf(map(service, "environment").get(variable)).startsWith("${"),
            variable + " in compose must come from the environment");
      }
    }
    String keyFile = configMapData().get("FCDS_PRIVATE_KEY_FILE");
    for (Map<String, Object> c : containers()) {
      String mounted =
          DeployManifestsTest.<Map<String, Object>>list(c, "volumeMounts").stream()
              .filter(m -> keyFile.startsWith(m.get("mountPath") + "/"))
              .map(m -> (String) m.get("name"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(keyFile + " not mounted in " + c.get("name")));
      assertTrue(data.containsKey(Path.of(keyFile).getFileName().toString()), mounted);
    }
  }

  @Test
  void podsRunAsTheImagesUserWithOnlyDataAndTmpWritable() throws Exception {
    Element container = jibContainer();
    String user = text(container, "user");
    String workingDirectory = text(container, "workingDirectory");
    assertEquals("10001:10001", user);

    for (Map<String, Object> doc : deployments()) {
      Map<String, Object> pod = map(map(doc, "spec"), "template");
      Map<String, Object> context = map(map(pod, "spec"), "securityContext");
      assertEquals(true, context.get("runAsNonRoot"));
      assertEquals(user, context.get("runAsUser") + ":" + context.get("runAsGroup"));
    }
    for (Map<String, Object> c : containers()) {
      assertEquals(true, map(c, "securityContext").get("readOnlyRootFilesystem"));
      List<Object> mounts =
          DeployManifestsTest.<Map<String, Object>>list(c, "volumeMounts").stream()
              .map(m -> m.get("mountPath"))
              .toList();
      assertTrue(mounts.containsAll(List.of(workingDirectory + "/data", "/tmp")), "" + mounts);
    }
    for (String folder :
        List.of("FCDS_FEEDBACK_FOLDER", "FCDS_DEAD_LETTER_FOLDER", "FCDS_AUDIT_SPOOL")) {
      assertTrue(configMapData().get(folder).startsWith(workingDirectory + "/data/"), folder);
    }
  }

  @Test
  void composeRunsHookReplicasWorkersKafkaKeycloakAndAnAuditRepository() throws Exception {
    Map<String, Object> services = map(compose(), "services");
    Map<String, Object> hook = map(services, "hook");
    Map<String, Object> worker = map(services, "worker");
    Map<String, Object> env = map(hook, "environment");
    Properties p = properties();

    assertTrue((Integer) map(hook, "deploy").get("replicas") >= 2);
    assertEquals(List.of("serve"), hook.get("command"));
    assertEquals(List.of("worker"), worker.get("command"));
    assertEquals("kafka", env.get("FCDS_EVALUATION_TRANSPORT"));
    assertEquals(
        "PLAINTEXT://" + env.get("FCDS_KAFKA_BOOTSTRAP"),
        map(map(services, "kafka"), "environment").get("KAFKA_ADVERTISED_LISTENERS"));
    assertTrue(
        String.valueOf(map(map(services, "kafka"), "environment").get("KAFKA_PROCESS_ROLES"))
            .contains("controller"),
        "KRaft: the broker is its own controller");
    String topics = String.valueOf(list(map(services, "kafka-topics"), "command").get(0));
    for (String topic : List.of("jobs-topic", "outcomes-topic", "dead-letter-topic")) {
      String name = p.getProperty("evaluation.kafka." + topic);
      assertTrue(topics.contains(" " + name), name + " not created");
    }
    Map<String, Object> keycloak = map(services, "keycloak");
    assertEquals(
        "quay.io/keycloak/keycloak:" + pomProperty("keycloak.version"), keycloak.get("image"));
    String realm = String.valueOf(list(keycloak, "volumes").get(0)).split(":")[0];
    assertTrue(Files.isRegularFile(DEPLOY.resolve(realm)), realm);
    assertTrue(String.valueOf(env.get("FCDS_AUDIT_FHIR_BASE_URL")).startsWith("http://audit:"));
    assertTrue(services.containsKey("audit"));
    assertFalse(
        String.valueOf(hook.get("ports")).contains("9876"), "the management port is published");
    for (Map<String, Object> service : ourComposeServices()) {
      assertEquals(true, service.get("read_only"));
      assertEquals(List.of("/tmp:exec,mode=1777"), service.get("tmpfs"), "natives load from /tmp");
    }
  }

  // --- reading the files

  static Properties properties() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(PROPERTIES)) {
      p.load(r);
    }
    return p;
  }

  /** FCDS_... of application.properties' placeholders and logback.xml's variables. */
  static Set<String> environmentVariables() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(Files.readString(PROPERTIES));
    while (m.find()) {
      names.add(m.group(1));
    }
    Matcher l = LOGBACK_VARIABLE.matcher(Files.readString(LOGBACK));
    while (l.find()) {
      names.add(l.group(1));
    }
    return names;
  }

  static String defaultOf(String variable) throws IOException {
    Matcher m = PLACEHOLDER.matcher(Files.readString(PROPERTIES));
    while (m.find()) {
      if (m.group(1).equals(variable)) {
        return m.group(2);
      }
    }
    throw new AssertionError(variable + " not in " + PROPERTIES);
  }

  static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return new Yaml(new LoaderOptions()).load(r);
    }
  }

  static Map<String, Object> compose() throws IOException {
    return yaml(DEPLOY.resolve("compose.yaml"));
  }

  /** The services of compose.yaml that run the fusion-cds image. */
  static List<Map<String, Object>> ourComposeServices() throws IOException {
    List<Map<String, Object>> ours = new ArrayList<>();
    for (Object s : map(compose(), "services").values()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> service = (Map<String, Object>) s;
      if (String.valueOf(service.get("image")).contains("fusion-cds")) {
        ours.add(service);
      }
    }
    assertEquals(2, ours.size(), "hook and worker");
    return ours;
  }

  /** The documents that {@code kubectl apply -k deploy/k8s} applies. */
  static List<Map<String, Object>> manifests() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    List<String> resources = list(yaml(K8S.resolve("kustomization.yaml")), "resources");
    for (String file : resources) {
      docs.addAll(documents(K8S.resolve(file)));
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file)) {
      for (Object doc : new Yaml(new LoaderOptions()).loadAll(r)) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  static List<Map<String, Object>> deployments() throws IOException {
    return manifests().stream().filter(d -> "Deployment".equals(d.get("kind"))).toList();
  }

  static List<Map<String, Object>> containers() throws IOException {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Map<String, Object> d : deployments()) {
      List<Map<String, Object>> cs =
          list(map(map(map(d, "spec"), "template"), "spec"), "containers");
      assertEquals(1, cs.size(), "one container in " + map(d, "metadata").get("name"));
      Map<String, Object> c = cs.get(0);
      Map<String, Object> named = new java.util.LinkedHashMap<>(c);
      named.put("deployment", map(d, "metadata").get("name"));
      all.add(named);
    }
    return all;
  }

  static Map<String, Object> container(String deployment) throws IOException {
    return containers().stream()
        .filter(c -> deployment.equals(c.get("deployment")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + deployment));
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> configMapData() throws IOException {
    return manifests().stream()
        .filter(d -> "ConfigMap".equals(d.get("kind")))
        .map(d -> (Map<String, String>) d.get("data"))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, Object> envEntry(Map<String, Object> container, String name) {
    return DeployManifestsTest.<Map<String, Object>>list(container, "env").stream()
        .filter(e -> name.equals(e.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + container.get("name")));
  }

  static String envValue(Map<String, Object> container, String name) {
    return String.valueOf(envEntry(container, name).get("value"));
  }

  static int containerPort(Map<String, Object> container, Object port) {
    if (port instanceof Integer number) {
      return number;
    }
    return DeployManifestsTest.<Map<String, Object>>list(container, "ports").stream()
        .filter(p -> port.equals(p.get("name")))
        .map(p -> (Integer) p.get("containerPort"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no port named " + port));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof Map, key + " is not a mapping in " + parent.keySet());
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof List, key + " is not a list in " + parent.keySet());
    return (List<T>) value;
  }

  /** The Jib {@code <container>} of the image profile in fusion-cds-dist/pom.xml. */
  static Element jibContainer() throws Exception {
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("fusion-cds-dist/pom.xml").toFile());
    var plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
        return (Element) plugin.getElementsByTagName("container").item(0);
      }
    }
    throw new AssertionError("no jib-maven-plugin in fusion-cds-dist/pom.xml");
  }

  static String pomProperty(String name) throws Exception {
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile());
    return pom.getElementsByTagName(name).item(0).getTextContent().trim();
  }

  static String text(Element parent, String tag) {
    return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
  }
}
