package org.fusioncds.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's view of one Kafka topic: what was written to it since the view opened (read in a group
 * of its own, from the end), and sending to it. Plain kafka-clients, as an operator's tool would.
 */
public final class KafkaTopic implements AutoCloseable {

  private final String topic;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> producer;
  private final List<String> seen = new ArrayList<>();

  /**
   * @param fromStart read what the topic already holds too (else only what comes after)
   */
  public KafkaTopic(String bootstrap, String topic, boolean fromStart) {
    this.topic = topic;
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromStart ? "earliest" : "latest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    consumer.subscribe(List.of(topic));
    // join the group and take the partitions now, so that "latest" means from now
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (consumer.assignment().isEmpty() && System.nanoTime() < until) {
      poll(Duration.ofMillis(200));
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  /** Sends one message and waits for the broker's acknowledgement. */
  public void send(String key, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Reads until {@code done} holds for what was seen, at most {@code within}; what was seen. */
  public synchronized List<String> readUntil(Predicate<List<String>> done, Duration within) {
    long until = System.nanoTime() + within.toNanos();
    while (!done.test(seen) && System.nanoTime() < until) {
      poll(Duration.ofMillis(250));
    }
    return List.copyOf(seen);
  }

  private void poll(Duration d) {
    for (ConsumerRecord<String, String> r : consumer.poll(d)) {
      seen.add(r.value());
    }
  }

  @Override
  public void close() {
    consumer.close();
    producer.close();
  }
}
