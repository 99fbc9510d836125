package org.fusioncds.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replay-dead-letters}: puts the jobs of the dead-letter topic back on the jobs topic, from
 * where the replay group last stopped (each letter is replayed once; its offset is committed after
 * the jobs are sent). A letter without a readable job (one that was unreadable when it failed) is
 * counted and skipped. Prints one JSON line: replayed, skipped.
 */
@Command(
    name = "replay-dead-letters",
    description = "Put the jobs of the evaluation dead-letter topic back on the jobs topic.")
public final class ReplayDeadLettersCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: $FCDS_KAFKA_BOOTSTRAP)")
  String bootstrap = System.getenv("FCDS_KAFKA_BOOTSTRAP");

  @Option(names = "--dead-letter-topic", paramLabel = "TOPIC")
  String deadLetters = "fcds.evaluation.dead-letters";

  @Option(names = "--jobs-topic", paramLabel = "TOPIC")
  String jobs = "fcds.evaluation.jobs";

  @Option(
      names = "--dry-run",
      description = "count what would be replayed; send and commit nothing")
  boolean dryRun;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          ErrorCode.CLI_INVALID_COMMAND.codeText()
              + ": --bootstrap is required (or FCDS_KAFKA_BOOTSTRAP)");
    }
    int replayed = 0;
    int skipped = 0;
    try (KafkaConsumer<String, String> in = new KafkaConsumer<>(consumer());
        KafkaProducer<String, String> out = KafkaClients.producer(bootstrap)) {
      in.subscribe(List.of(deadLetters));
      Map<TopicPartition, Long> ends = endsAtStart(in);
      Map<TopicPartition, Long> done = new HashMap<>();
      int idle = 0;
      while (idle < 3 && !reached(in, ends, done)) {
        ConsumerRecords<String, String> records = in.poll(Duration.ofSeconds(1));
        idle = records.isEmpty() ? idle + 1 : 0;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= ends.getOrDefault(tp, 0L)) {
            continue; // a letter that came after the start (a replayed job that failed again)
          }
          done.put(tp, r.offset() + 1);
          EvaluationJob job = job(r.value());
          if (job == null) {
            skipped++;
          } else {
            replayed++;
            if (!dryRun) {
              sent.add(out.send(new ProducerRecord<>(jobs, job.patientId(), job.toJson())));
            }
          }
        }
        if (!dryRun && !done.isEmpty()) {
          for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS); // acknowledged by the broker before the letter is done
          }
          Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
          done.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
          in.commitSync(commit);
        }
      }
    }
    spec.commandLine()
        .getOut()
        .printf("{\"replayed\":%d,\"skipped\":%d,\"dryRun\":%s}%n", replayed, skipped, dryRun);
    return 0;
  }

  /**
   * The end of each partition when the replay starts: only the letters there then are replayed (a
   * job that fails again adds a letter the next replay takes, not this one).
   */
  private static Map<TopicPartition, Long> endsAtStart(KafkaConsumer<String, String> in) {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (in.assignment().isEmpty() && System.nanoTime() < until) {
      in.poll(Duration.ofMillis(200)); // joins the group; nothing is consumed before the seek
    }
    Set<TopicPartition> assigned = in.assignment();
    Map<TopicPartition, Long> ends = new HashMap<>(in.endOffsets(assigned));
    Map<TopicPartition, OffsetAndMetadata> committed = in.committed(assigned);
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata c = committed.get(tp);
      in.seek(tp, c == null ? in.beginningOffsets(List.of(tp)).get(tp) : c.offset());
    }
    return ends;
  }

  private static boolean reached(
      KafkaConsumer<String, String> in,
      Map<TopicPartition, Long> ends,
      Map<TopicPartition, Long> done) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (in.position(e.getKey()) < e.getValue()
          && done.getOrDefault(e.getKey(), -1L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static EvaluationJob job(String letter) {
    try {
      JsonNode node = JSON.readTree(letter).path("job");
      return node.isObject() ? EvaluationJob.fromJson(node.toString()) : null;
    } catch (java.io.IOException | FcdsException unreadable) {
      return null;
    }
  }

  private Properties consumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "fusion-cds-replay");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
