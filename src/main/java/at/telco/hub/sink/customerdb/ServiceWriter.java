package at.telco.hub.sink.customerdb;

import at.telco.hub.canonical.Json;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.AppliedChanges;
import at.telco.hub.sink.HubVersionedWriter;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.TargetStates;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Creates and updates customerdb.service from canonical services. The network's sequence per
 * service orders them: a duplicate event or an older sequence changes nothing.
 */
public final class ServiceWriter extends HubVersionedWriter {

  public static final String TARGET = "customerdb.service";

  private static final String UPSERT =
      """
      INSERT INTO customerdb.service AS s (service_id, customer_id, ba_no, msisdn, iccid, imsi,
        product_code, status, updated_at)
      VALUES (?,
        -- a service of an erased customer stays detached (flow 5)
        (SELECT CASE WHEN x.status = 'ERASED' THEN NULL ELSE v.id END
           FROM (SELECT ?::uuid AS id) v LEFT JOIN customerdb.customer x ON x.customer_id = v.id),
        ?, ?, ?, ?, ?, ?, now())
      ON CONFLICT (service_id) DO UPDATE SET customer_id = EXCLUDED.customer_id,
        ba_no = EXCLUDED.ba_no, msisdn = EXCLUDED.msisdn, iccid = EXCLUDED.iccid,
        imsi = EXCLUDED.imsi, product_code = EXCLUDED.product_code, status = EXCLUDED.status,
        updated_at = now()
      WHERE (s.customer_id, s.ba_no, s.msisdn, s.iccid, s.imsi, s.product_code, s.status)
        IS DISTINCT FROM (EXCLUDED.customer_id, EXCLUDED.ba_no, EXCLUDED.msisdn, EXCLUDED.iccid,
          EXCLUDED.imsi, EXCLUDED.product_code, EXCLUDED.status)
      """;

  public ServiceWriter(
      DataSource customerdb, TargetStates states, HubMetrics metrics, Clock clock) {
    super(TARGET, "network", customerdb, states, metrics, clock, AppliedChanges.NONE);
  }

  @Override
  protected String key(TargetChange change) {
    return Json.text(change.row(), "service_id");
  }

  @Override
  protected void write(Connection c, Batch batch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
      for (TargetChange change : batch.changes()) {
        JsonNode r = change.row();
        ps.setString(1, Json.text(r, "service_id"));
        String customer = Json.text(r, "customer_id");
        ps.setObject(2, customer == null ? null : UUID.fromString(customer));
        ps.setString(3, Json.text(r, "ba_no"));
        ps.setString(4, Json.text(r, "msisdn"));
        ps.setString(5, Json.text(r, "iccid"));
        ps.setString(6, Json.text(r, "imsi"));
        ps.setString(7, Json.text(r, "product_code"));
        ps.setString(8, Json.text(r, "status"));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
