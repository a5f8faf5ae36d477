package at.telco.hub.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Write probes in the test databases (not in production): a trigger on each target table records
 * every write the hub makes, so a test can count writes per record and version and find a change
 * that was applied twice (the same row versions written twice, or a write that changed nothing).
 */
public final class Probes {

  private Probes() {}

  static void install(TestServers servers) {
    installCustomerdb(servers);
    installBilling(servers);
  }

  /** The write probe on customerdb.customer. */
  public static void installCustomerdb(TestServers servers) {
    servers.execute(
        "customerdb",
        "CREATE TABLE public.hub_probe (id bigserial PRIMARY KEY, key text, op text, row_versions text,"
            + " snapshot text, noop boolean, writeback boolean, at timestamptz DEFAULT clock_timestamp())",
        """
        CREATE FUNCTION public.hub_probe_customer() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          INSERT INTO public.hub_probe (key, op, row_versions, snapshot, noop, writeback)
          VALUES (NEW.crm_account_id, TG_OP, (NEW.source_versions - 'crm:snapshot')::text,
                  NEW.source_versions ->> 'crm:snapshot',
                  TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'updated_at') = (to_jsonb(OLD) - 'updated_at'),
                  TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'updated_at' - 'billing_cust_no')
                                     = (to_jsonb(OLD) - 'updated_at' - 'billing_cust_no'));
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER hub_probe AFTER INSERT OR UPDATE ON customerdb.customer"
            + " FOR EACH ROW EXECUTE FUNCTION public.hub_probe_customer()");
  }

  /** The write probe on billing.customer (also for a billing database a scenario moved). */
  public static void installBilling(TestServers servers) {
    servers.execute(
        "billing",
        "CREATE TABLE public.hub_probe (id bigserial PRIMARY KEY, key text, op text, noop boolean,"
            + " row jsonb, at timestamptz DEFAULT clock_timestamp())",
        """
        CREATE FUNCTION public.hub_probe_customer() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          INSERT INTO public.hub_probe (key, op, noop, row)
          VALUES (NEW.crm_account_id, TG_OP,
                  TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'updated_at') = (to_jsonb(OLD) - 'updated_at'),
                  to_jsonb(NEW) - 'updated_at');
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER hub_probe AFTER INSERT OR UPDATE ON billing.customer"
            + " FOR EACH ROW EXECUTE FUNCTION public.hub_probe_customer()");
  }

  /**
   * A write probe on customerdb.service (installed on first use): every write the hub makes to a
   * service row, so a scenario can count them per service.
   */
  public static synchronized void installServiceProbe(TestServers servers) {
    servers.execute(
        "customerdb",
        "CREATE TABLE IF NOT EXISTS public.hub_probe_service (id bigserial PRIMARY KEY, key text,"
            + " op text, status text, at timestamptz DEFAULT clock_timestamp())",
        """
        CREATE OR REPLACE FUNCTION public.hub_probe_service() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER AS $$
        BEGIN
          INSERT INTO public.hub_probe_service (key, op, status)
          VALUES (NEW.service_id, TG_OP, NEW.status);
          RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS hub_probe_service ON customerdb.service",
        "CREATE TRIGGER hub_probe_service AFTER INSERT OR UPDATE ON customerdb.service"
            + " FOR EACH ROW EXECUTE FUNCTION public.hub_probe_service()");
  }

  /** Writes to customerdb.service rows whose service_id matches (installServiceProbe first). */
  public static long serviceWrites(TestServers servers, String keyPattern) {
    return count(
        servers,
        "customerdb",
        "SELECT count(*) FROM public.hub_probe_service WHERE key LIKE '" + keyPattern + "'");
  }

  /**
   * Changes applied twice to customerdb for accounts matching {@code keyPattern} (SQL LIKE): writes
   * that changed nothing, plus the same row versions written more than once.
   */
  public static long customerDbDuplicates(TestServers servers, String keyPattern) {
    return count(
        servers,
        "customerdb",
        "SELECT (SELECT count(*) FROM public.hub_probe WHERE key LIKE '"
            + keyPattern
            + "' AND noop) + (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM"
            + " public.hub_probe WHERE key LIKE '"
            + keyPattern
            + "' AND NOT writeback GROUP BY key, row_versions) t)");
  }

  /** Writes to billing for matching accounts that changed nothing. */
  public static long billingDuplicates(TestServers servers, String keyPattern) {
    return count(
        servers,
        "billing",
        "SELECT count(*) FROM public.hub_probe WHERE noop AND key LIKE '" + keyPattern + "'");
  }

  /** Writes of any kind to a target's customer rows for matching accounts. */
  public static long writes(TestServers servers, String database, String keyPattern) {
    return count(
        servers,
        database,
        "SELECT count(*) FROM public.hub_probe WHERE key LIKE '" + keyPattern + "'");
  }

  static long count(TestServers servers, String database, String sql) {
    try (Connection c = servers.owner(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
