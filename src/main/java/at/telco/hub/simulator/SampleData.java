package at.telco.hub.simulator;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/**
 * Realistic CRM sample data for the embedded default: Austrian people and companies with contacts
 * and addresses, and every data-quality case of FLOWS.md among them (national and decorated phone
 * numbers and ones that cannot be normalised, names over 60 and over 120 characters, umlauts and
 * other non-ASCII letters, apostrophes and quotes, empty optional fields, several primary contacts
 * or none, several addresses of one type, prospects without an address, street lines and cities too
 * long for billing). Written as the CRM itself would, so its triggers fill crm.change_log.
 */
public final class SampleData {

  public static final String[] FIRST_NAMES = {
    "Anna",
    "Lukas",
    "Sophie",
    "Maximilian",
    "Lena",
    "Tobias",
    "Katharina",
    "Florian",
    "Julia",
    "David",
    "Hannah",
    "Jakob",
    "Laura",
    "Elias",
    "Sarah",
    "Paul",
    "Marie",
    "Felix",
    "Magdalena",
    "Sebastian",
    "Johanna",
    "Matthias",
    "Theresa",
    "Stefan",
    "Christina",
    "Andreas",
    "Verena",
    "Ivana",
    "Mehmet",
    "Ayşe",
    "Nikola",
    "Jelena",
    "Zoltán",
    "Petra",
    "Tomáš",
    "Agnieszka"
  };
  public static final String[] LAST_NAMES = {
    "Gruber", "Huber", "Bauer", "Wagner", "Müller", "Pichler", "Steiner", "Moser", "Mayer",
    "Hofer", "Leitner", "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler", "Weber",
    "Schwarz", "Maier", "Schneider", "Reiter", "Mayr", "Schmidt", "Wimmer", "Egger", "Brunner",
    "Lang", "Baumgartner", "Auer", "Binder", "Lechner", "Wolf", "Wallner", "Aigner", "Ebner",
    "Koller", "Lehner", "Haas", "Schuster", "Đorđević", "Öztürk", "Kovačević", "Nowak", "Horváth",
    "O'Brien", "Yılmaz", "Novák", "Jovanović", "Szabó"
  };
  static final String[][] CITIES = {
    {"1010", "Wien"},
    {"1020", "Wien"},
    {"1100", "Wien"},
    {"1210", "Wien"},
    {"8010", "Graz"},
    {"4020", "Linz"},
    {"5020", "Salzburg"},
    {"6020", "Innsbruck"},
    {"9020", "Klagenfurt am Wörthersee"},
    {"3100", "St. Pölten"},
    {"7000", "Eisenstadt"},
    {"6900", "Bregenz"},
    {"4600", "Wels"},
    {"2700", "Wiener Neustadt"},
    {"8700", "Leoben"},
    {"9500", "Villach"},
    {"2500", "Baden"}
  };
  static final String[] STREETS = {
    "Lassallestraße",
    "Mariahilfer Straße",
    "Hauptstraße",
    "Bahnhofstraße",
    "Kirchengasse",
    "Schönbrunner Straße",
    "Landstraßer Hauptstraße",
    "Herrengasse",
    "Ringstraße",
    "Dorfstraße",
    "Wiener Straße",
    "Grazer Straße",
    "Linzer Gasse",
    "Museumstraße",
    "Annenstraße",
    "Goethestraße",
    "Schillerplatz",
    "Am Graben",
    "Praterstraße",
    "Favoritenstraße"
  };
  static final String[] COMPANY_STEMS = {
    "Alpen",
    "Donau",
    "Tauern",
    "Wienerwald",
    "Kärntner",
    "Steirische",
    "Tiroler",
    "Vorarlberger",
    "Bergland",
    "Seenland",
    "Weinviertler",
    "Mühlviertler",
    "Salzkammergut"
  };
  static final String[] COMPANY_KINDS = {
    "Bau",
    "Transporte",
    "Holzbau",
    "Elektrotechnik",
    "Gastronomie",
    "Immobilien",
    "Software",
    "Logistik",
    "Handel",
    "Installationen",
    "Steuerberatung",
    "Tischlerei"
  };
  static final String[] LEGAL_FORMS = {"GmbH", "GmbH & Co KG", "KG", "OG", "e.U.", "AG"};
  static final String[] LANGUAGES = {
    "de", "de", "de", "de", "de", "de", "de", "de", "de", "de", "de", "de", "en", "tr", "hr", "sr",
    "bs", "hu", "cs", "sk", "pl", "fr"
  };

  private final Random random;
  private int contactSeq;
  private int addressSeq;

  private SampleData(long seed) {
    this.random = new Random(seed);
  }

  /** Seeds {@code accounts} accounts unless the CRM already holds accounts. Returns how many. */
  public static int seedIfEmpty(DataSource crm, int accounts, long seed) throws SQLException {
    try (Connection c = crm.getConnection()) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM crm.account)")) {
        rs.next();
        if (rs.getBoolean(1)) {
          return 0;
        }
      }
      new SampleData(seed).write(c, accounts);
      return accounts;
    }
  }

  record Account(
      String id, String type, String name, String vatId, String status, String segment) {}

  record Contact(
      String id,
      String accountId,
      boolean primary,
      String salutation,
      String firstName,
      String lastName,
      LocalDate birthDate,
      String email,
      String phone,
      String language,
      boolean optIn) {}

  record Address(
      String id,
      String accountId,
      String type,
      String street,
      String houseNumber,
      String postalCode,
      String city,
      String country) {}

  private final List<Account> accounts = new ArrayList<>();
  private final List<Contact> contacts = new ArrayList<>();
  private final List<Address> addresses = new ArrayList<>();

  private void write(Connection c, int count) throws SQLException {
    for (int i = 1; i <= count; i++) {
      generate(i);
    }
    c.setAutoCommit(false);
    try (PreparedStatement a =
            c.prepareStatement(
                "INSERT INTO crm.account (account_id, account_type, name, vat_id, status, segment)"
                    + " VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement ct =
            c.prepareStatement(
                "INSERT INTO crm.contact (contact_id, account_id, is_primary, salutation,"
                    + " first_name, last_name, birth_date, email, phone, language,"
                    + " marketing_opt_in) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement ad =
            c.prepareStatement(
                "INSERT INTO crm.address (address_id, account_id, address_type, street,"
                    + " house_number, postal_code, city, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Account x : accounts) {
        a.setString(1, x.id());
        a.setString(2, x.type());
        a.setString(3, x.name());
        a.setString(4, x.vatId());
        a.setString(5, x.status());
        a.setString(6, x.segment());
        a.addBatch();
      }
      a.executeBatch();
      for (Contact x : contacts) {
        ct.setString(1, x.id());
        ct.setString(2, x.accountId());
        ct.setBoolean(3, x.primary());
        ct.setString(4, x.salutation());
        ct.setString(5, x.firstName());
        ct.setString(6, x.lastName());
        ct.setDate(7, x.birthDate() == null ? null : Date.valueOf(x.birthDate()));
        ct.setString(8, x.email());
        ct.setString(9, x.phone());
        ct.setString(10, x.language());
        ct.setBoolean(11, x.optIn());
        ct.addBatch();
      }
      ct.executeBatch();
      for (Address x : addresses) {
        ad.setString(1, x.id());
        ad.setString(2, x.accountId());
        ad.setString(3, x.type());
        ad.setString(4, x.street());
        ad.setString(5, x.houseNumber());
        ad.setString(6, x.postalCode());
        ad.setString(7, x.city());
        ad.setString(8, x.country());
        ad.addBatch();
      }
      ad.executeBatch();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  static String accountId(int i) {
    return String.format("ACC-%012d", i);
  }

  private String nextContactId() {
    return String.format("CON-%012d", ++contactSeq);
  }

  private String nextAddressId() {
    return String.format("ADR-%012d", ++addressSeq);
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private void generate(int i) {
    String id = accountId(i);
    // the first accounts show one data-quality case each, in a fixed order; the rest are random
    switch (i) {
      case 1 -> person(id, "Herr", "Jürgen", "Müller", "ACTIVE", "+436641234501", "de");
      case 2 -> person(id, "Frau", "Jelena", "Đorđević", "ACTIVE", "0664 1234502", "sr");
      case 3 -> person(id, "Herr", "Mehmet", "Öztürk", "ACTIVE", "+43 (664) 123 45 03", "tr");
      case 4 -> person(id, "Frau", "Siobhán", "O'Brien", "ACTIVE", "+43 (0)664 1234504", "en");
      case 5 -> company(id, "Gasthaus \"Zur Post\" Ges.m.b.H.", "ACTIVE", 1);
      case 6 ->
          company(
              id,
              "Österreichische Telekommunikations- und Infrastrukturberatungsgesellschaft mbH",
              "ACTIVE",
              1);
      case 7 ->
          company(
              id,
              "Internationale Gesellschaft für angewandte Datenverarbeitung, Netzwerkplanung,"
                  + " Systemintegration und Telekommunikationsdienstleistungen"
                  + " Mitteleuropa und Südosteuropa GmbH & Co KG",
              "ACTIVE",
              1);
      case 8 -> {
        person(id, "Herr", "Karl", "Steiner", "ACTIVE", "0043 664 1234508", "de");
        replaceAddresses(
            id,
            new Address(
                nextAddressId(),
                id,
                "BILLING",
                "Erzherzog-Johann-von-Österreich-und-Habsburg-Lothringen-Promenade",
                "127/3/14",
                "8010",
                "Graz",
                "AT"));
      }
      case 9 -> {
        person(id, "Frau", "Maria", "Eder", "ACTIVE", "+436641234509", "de");
        replaceAddresses(
            id,
            new Address(
                nextAddressId(),
                id,
                "POSTAL",
                "Dorfstraße",
                "1",
                "9963",
                "Sankt Jakob in Defereggen-Oberdorf am Großvenediger",
                "AT"));
      }
      case 10 -> person(id, "Herr", "Thomas", "Lang", "ACTIVE", "bitte nicht anrufen", "de");
      case 11 -> person(id, "Frau", "Eva", "Wolf", "ACTIVE", "12345", "de");
      case 12 -> {
        person(id, "Herr", "Martin", "Auer", "ACTIVE", "+436641234512", "de");
        // a second contact also marked primary (legacy data): the lower contact id wins
        contacts.add(
            new Contact(
                nextContactId(),
                id,
                true,
                "Frau",
                "Sabine",
                "Auer",
                LocalDate.of(1985, 3, 7),
                "sabine.auer@example.at",
                "+436641234599",
                "de",
                false));
      }
      case 13 -> {
        person(id, "Herr", "Georg", "Binder", "ACTIVE", "+436641234513", "de");
        // no contact marked primary: the lowest contact id counts
        Contact first = contacts.remove(contacts.size() - 1);
        contacts.add(
            new Contact(
                first.id(),
                id,
                false,
                first.salutation(),
                first.firstName(),
                first.lastName(),
                first.birthDate(),
                first.email(),
                first.phone(),
                first.language(),
                first.optIn()));
        contacts.add(
            new Contact(
                nextContactId(), id, false, null, "Lisa", "Binder", null, null, null, "de", false));
      }
      case 14 -> {
        person(id, "Frau", "Ines", "Koller", "ACTIVE", "+436641234514", "de");
        // two billing addresses: the most recently modified one counts
        addresses.add(
            new Address(
                nextAddressId(), id, "BILLING", "Praterstraße", "40", "1020", "Wien", "AT"));
      }
      case 15 -> {
        person(id, null, null, "Haas", "PROSPECT", null, "de");
        replaceAddresses(id);
      }
      case 16 -> {
        person(id, "Herr", "Peter", "Lechner", "ACTIVE", "+436641234516", "de");
        // only a service address: billing cannot take it (yet)
        replaceAddresses(
            id,
            new Address(
                nextAddressId(), id, "SERVICE", "Museumstraße", "5", "6020", "Innsbruck", "AT"));
      }
      case 17 -> {
        // empty optional fields: no salutation, first name, birth date, email, phone, house number
        accounts.add(new Account(id, "B2C", "Schuster", null, "ACTIVE", null));
        contacts.add(
            new Contact(
                nextContactId(), id, true, null, null, "Schuster", null, null, null, "de", false));
        addresses.add(
            new Address(nextAddressId(), id, "POSTAL", "Am Graben", null, "1010", "Wien", "AT"));
      }
      case 18 -> person(id, "Herr", "Franz", "Weber", "INACTIVE", "+436641234518", "de");
      case 19 -> {
        person(id, "Frau", "Claudia", "Schmidt", "ACTIVE", "+4915112345619", "de");
        replaceAddresses(
            id,
            new Address(
                nextAddressId(), id, "BILLING", "Friedrichstraße", "12", "10117", "Berlin", "DE"));
      }
      case 20 -> person(id, "Madame", "Élodie", "Dubois", "ACTIVE", "+33612345620", "fr");
      default -> {
        if (random.nextInt(100) < 75) {
          randomPerson(id);
        } else {
          randomCompany(id);
        }
      }
    }
  }

  private String status() {
    int r = random.nextInt(100);
    return r < 85 ? "ACTIVE" : r < 93 ? "PROSPECT" : "INACTIVE";
  }

  private void randomPerson(String id) {
    String first = pick(FIRST_NAMES);
    String last = pick(LAST_NAMES);
    String status = status();
    person(
        id, random.nextBoolean() ? "Herr" : "Frau", first, last, status, phone(), pick(LANGUAGES));
    if (random.nextInt(100) < 15) {
      contacts.add(
          new Contact(
              nextContactId(),
              id,
              false,
              null,
              pick(FIRST_NAMES),
              last,
              birthDate(),
              email(pick(FIRST_NAMES), last),
              phone(),
              pick(LANGUAGES),
              false));
    }
    if ("PROSPECT".equals(status) && random.nextBoolean()) {
      replaceAddresses(id);
    }
  }

  private void randomCompany(String id) {
    String name = pick(COMPANY_STEMS) + " " + pick(COMPANY_KINDS) + " " + pick(LEGAL_FORMS);
    company(id, name, status(), 1 + random.nextInt(3));
  }

  private void person(
      String id,
      String salutation,
      String first,
      String last,
      String status,
      String phone,
      String language) {
    String name = first == null ? last : first + " " + last;
    accounts.add(new Account(id, "B2C", name, null, status, "CONSUMER"));
    contacts.add(
        new Contact(
            nextContactId(),
            id,
            true,
            salutation,
            first,
            last,
            birthDate(),
            first == null ? null : email(first, last),
            phone,
            language,
            random.nextInt(100) < 30));
    standardAddresses(id);
  }

  private void company(String id, String name, String status, int contactCount) {
    String vat = String.format("ATU%08d", random.nextInt(100_000_000));
    accounts.add(
        new Account(id, "B2B", name, vat, status, random.nextBoolean() ? "SOHO" : "ENTERPRISE"));
    for (int k = 0; k < contactCount; k++) {
      String first = pick(FIRST_NAMES);
      String last = pick(LAST_NAMES);
      contacts.add(
          new Contact(
              nextContactId(),
              id,
              k == 0,
              random.nextBoolean() ? "Herr" : "Frau",
              first,
              last,
              null,
              email(first, last),
              phone(),
              "de",
              false));
    }
    standardAddresses(id);
  }

  private void standardAddresses(String id) {
    String[] city = pick(CITIES);
    String street = pick(STREETS);
    String house = random.nextInt(100) < 5 ? null : houseNumber();
    if (random.nextInt(100) < 60) {
      addresses.add(
          new Address(nextAddressId(), id, "BILLING", street, house, city[0], city[1], "AT"));
    }
    if (random.nextInt(100) < 70 || addresses.stream().noneMatch(a -> a.accountId().equals(id))) {
      addresses.add(
          new Address(nextAddressId(), id, "POSTAL", street, house, city[0], city[1], "AT"));
    }
    if (random.nextInt(100) < 50) {
      String[] other = pick(CITIES);
      addresses.add(
          new Address(
              nextAddressId(),
              id,
              "SERVICE",
              pick(STREETS),
              houseNumber(),
              other[0],
              other[1],
              "AT"));
    }
  }

  private void replaceAddresses(String id, Address... replacement) {
    addresses.removeIf(a -> a.accountId().equals(id));
    addresses.addAll(List.of(replacement));
  }

  private String houseNumber() {
    int n = 1 + random.nextInt(180);
    return switch (random.nextInt(6)) {
      case 0 -> n + "/" + (1 + random.nextInt(5)) + "/" + (1 + random.nextInt(20));
      case 1 -> n + "a";
      default -> Integer.toString(n);
    };
  }

  private LocalDate birthDate() {
    return random.nextInt(100) < 10
        ? null
        : LocalDate.of(1940 + random.nextInt(65), 1 + random.nextInt(12), 1 + random.nextInt(28));
  }

  private String email(String first, String last) {
    if (random.nextInt(100) < 8) {
      return null;
    }
    String local =
        (first + "." + last)
            .toLowerCase()
            .replace("ä", "ae")
            .replace("ö", "oe")
            .replace("ü", "ue")
            .replace("ß", "ss")
            .replaceAll("[^a-z.]", "");
    return local + random.nextInt(1000) + "@example.at";
  }

  /** Mobile numbers in the formats the CRM really holds; a few that cannot be normalised. */
  String phone() {
    String prefix = pick(new String[] {"664", "660", "676", "650", "699", "680"});
    String number = String.format("%07d", random.nextInt(10_000_000));
    return switch (random.nextInt(20)) {
      case 0, 1, 2, 3, 4, 5, 6, 7 -> "+43" + prefix + number;
      case 8, 9, 10 -> "0" + prefix + " " + number;
      case 11, 12 ->
          "+43 ("
              + prefix
              + ") "
              + number.substring(0, 3)
              + " "
              + number.substring(3, 5)
              + " "
              + number.substring(5);
      case 13 -> "+43 (0)" + prefix + " " + number;
      case 14 -> "0043 " + prefix + " " + number;
      case 15 -> "0" + prefix + "/" + number;
      case 16 -> "unbekannt";
      default -> null;
    };
  }
}
