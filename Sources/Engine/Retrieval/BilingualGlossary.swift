/// Everyday English and German workplace words with their translations, so a question in one language finds a
/// document in the other ("When does reception open?" finds "Der Empfang ist … besetzt").
///
/// A lexical engine has no other bridge between the two languages, and a company's documents mix them (site
/// guides, works agreements). The glossary covers the vocabulary of offices, sites, people, time and money that
/// such documents share, not the words of any one document; a translation is one more spelling of a term, so it
/// widens retrieval and sentence matching without changing their scores for same-language questions.
enum BilingualGlossary {
    /// Each entry: English words, then German words (lower-case, plain or with umlauts; the analyser adds the
    /// transliterated spellings).
    private static let entries: [([String], [String])] = [
        // Places and buildings
        (["site", "location", "branch"], ["standort", "niederlassung"]),
        (["reception", "front desk"], ["empfang", "rezeption"]),
        (["entrance"], ["eingang", "haupteingang"]),
        (["building"], ["gebäude"]),
        (["floor", "storey"], ["etage", "stockwerk", "geschoss"]),
        (["basement"], ["untergeschoss", "keller"]),
        (["ground floor"], ["erdgeschoss"]),
        (["office"], ["büro"]),
        (["hall"], ["halle"]),
        (["workshop"], ["werkstatt"]),
        (["warehouse"], ["lager"]),
        (["canteen", "cafeteria"], ["kantine"]),
        (["kitchen"], ["küche"]),
        (["roof terrace", "terrace"], ["dachterrasse", "terrasse"]),
        (["meeting room"], ["besprechungsraum"]),
        (["shower", "showers"], ["dusche", "duschen"]),
        (["toilet", "toilets"], ["toilette", "toiletten"]),
        (["address"], ["adresse", "anschrift"]),
        // Getting there
        (["parking", "car park"], ["parkplatz", "parken", "stellplatz", "stellplätze"]),
        (["space", "spaces", "spot", "spots"], ["stellplatz", "stellplätze", "platz", "plätze"]),
        (["charging", "charger", "chargers"], ["ladepunkt", "ladepunkte", "laden"]),
        (["electric"], ["elektrisch", "elektrofahrzeuge"]),
        (["bicycle", "bicycles", "bike", "bikes", "cycling"], ["fahrrad", "fahrräder"]),
        (["tram", "streetcar"], ["straßenbahn"]),
        (["bus"], ["bus"]),
        (["train", "railway"], ["zug", "bahn"]),
        (["stop", "station"], ["haltestelle", "bahnhof"]),
        (["walk", "walking", "foot"], ["fußweg", "zu fuß"]),
        (["accessible", "wheelchair"], ["barrierefrei", "barrierefreie"]),
        (["visitor", "visitors", "guest", "guests"], ["besucher", "besucherinnen", "gast", "gäste"]),
        (["badge", "pass"], ["ausweis", "besucherausweis"]),
        (["access card", "card", "keycard"], ["zugangskarte", "karte"]),
        (["access"], ["zugang"]),
        (["lost", "loss"], ["verlust", "verloren"]),
        (["accompanied", "escorted"], ["begleitet"]),
        // People and organisation
        (["employee", "employees", "staff", "worker", "workers"], ["mitarbeitende", "mitarbeiter", "beschäftigte"]),
        (["manager", "head", "lead"], ["leiter", "leiterin", "leitung", "führungskraft"]),
        (["site manager"], ["standortleiter", "standortleitung"]),
        (["colleague", "colleagues"], ["kollege", "kollegen", "kollegin"]),
        (["people", "persons", "person"], ["personen", "person", "menschen", "leute", "mitarbeitende"]),
        (["work", "works", "working"], ["arbeiten", "arbeitet", "arbeit"]),
        (["contact", "contacts"], ["ansprechperson", "ansprechpersonen", "ansprechpartner", "kontakt"]),
        (["team"], ["team", "abteilung"]),
        (["service"], ["service", "kundendienst"]),
        (["sales"], ["vertrieb", "verkauf"]),
        (["training", "course", "courses"], ["schulung", "schulungen", "kurs", "kurse"]),
        (["administration"], ["verwaltung"]),
        (["customer", "customers"], ["kunde", "kunden"]),
        (["company"], ["unternehmen", "firma"]),
        (["works council"], ["betriebsrat"]),
        (["agreement"], ["vereinbarung", "betriebsvereinbarung"]),
        (["handbook", "manual"], ["handbuch", "mitarbeiterhandbuch"]),
        (["law", "legal"], ["recht", "gesetz"]),
        // Working time and leave
        (["time", "hours", "hour", "clock"], ["zeit", "uhr", "uhrzeit", "stunden"]),
        (["working hours", "work time"], ["arbeitszeit"]),
        (["core hours"], ["kernarbeitszeit"]),
        (["flexitime", "flextime"], ["gleitzeit"]),
        (["overtime"], ["überstunden"]),
        (["shift", "shifts"], ["schicht", "schichten", "frühschicht", "spätschicht", "zweischichtbetrieb"]),
        (["early"], ["früh"]),
        (["late"], ["spät"]),
        (["break", "breaks", "lunch"], ["pause", "pausen", "mittagspause"]),
        (["open", "opening", "staffed"], ["geöffnet", "offen", "besetzt", "öffnungszeiten"]),
        (["opened", "founded"], ["eröffnet", "gegründet"]),
        (["closed"], ["geschlossen"]),
        (["leave", "vacation", "holiday", "holidays"], ["urlaub", "urlaubstage", "resturlaub"]),
        (["public holiday", "public holidays"], ["feiertag", "feiertage"]),
        (["remote", "home office", "mobile"], ["mobiles", "mobil", "homeoffice"]),
        (["sick", "sickness", "illness"], ["krank", "krankmeldung", "krankheit"]),
        (["doctor", "medical"], ["arzt", "ärztliche"]),
        (["certificate", "note"], ["bescheinigung", "arbeitsunfähigkeitsbescheinigung"]),
        (["day", "days"], ["tag", "tage"]),
        (["week", "weeks", "weekly"], ["woche", "wochen"]),
        (["month", "months"], ["monat", "monate"]),
        (["year", "years", "annual", "yearly"], ["jahr", "jahre", "kalenderjahr"]),
        (["today"], ["heute"]),
        (["monday"], ["montag", "montags"]),
        (["tuesday"], ["dienstag", "dienstags"]),
        (["wednesday"], ["mittwoch", "mittwochs"]),
        (["thursday"], ["donnerstag", "donnerstags"]),
        (["friday"], ["freitag", "freitags"]),
        (["saturday"], ["samstag", "samstags"]),
        (["sunday"], ["sonntag", "sonntags"]),
        (["weekday", "weekdays"], ["werktag", "werktage", "wochentag"]),
        (["january"], ["januar"]), (["february"], ["februar"]), (["march"], ["märz"]),
        (["june"], ["juni"]), (["july"], ["juli"]), (["october"], ["oktober"]), (["december"], ["dezember"]),
        // Safety and emergencies
        (["emergency", "emergencies"], ["notfall", "notfälle", "notruf"]),
        (["fire", "fire alarm"], ["feuer", "brand", "feueralarm"]),
        (["assembly point", "muster point"], ["sammelplatz"]),
        (["first aid", "first aider", "first aiders"], ["erste hilfe", "ersthelfer", "ersthelferinnen"]),
        (["first aid kit", "first aid kits"], ["verbandkasten", "verbandkästen"]),
        (["security"], ["sicherheit", "werkschutz"]),
        (["safety"], ["sicherheit", "sicherheitsunterweisung"]),
        (["safety shoes", "safety boots", "shoes"], ["sicherheitsschuhe", "schuhe", "leihschuhe"]),
        (["vest"], ["weste"]),
        (["helmet"], ["helm"]),
        (["mandatory", "required", "compulsory"], ["pflicht", "erforderlich", "vorgeschrieben"]),
        (["phone", "telephone", "extension"], ["telefon", "durchwahl", "rufnummer"]),
        (["email", "e-mail"], ["e-mail"]),
        // Equipment, work and money
        (["test bench", "test benches", "test stand", "test stands"], ["prüfstand", "prüfstände"]),
        (["repair", "repairs"], ["reparatur", "reparaturen"]),
        (["inspection", "final inspection", "test", "testing"], ["prüfung", "endprüfung", "endprüfungen"]),
        (["order", "orders"], ["auftrag", "aufträge", "bestellung"]),
        (["shipped", "shipping", "delivery"], ["versand", "versandt", "lieferung"]),
        (["free", "free of charge"], ["kostenlos", "gratis"]),
        (["price", "cost", "costs"], ["preis", "kosten"]),
        (["salary", "pay"], ["gehalt", "lohn"]),
        (["expenses", "expense"], ["spesen", "ausgaben"]),
        (["travel", "trip"], ["reise", "dienstreise"]),
        (["water"], ["wasser"]), (["coffee"], ["kaffee"]), (["fruit"], ["obst"]),
        (["how many", "number"], ["anzahl", "wie viele"]),
    ]

    /// Each word's translations into the other language, built once from `entries`.
    private static let translations: [String: [String]] = {
        var map: [String: [String]] = [:]
        func link(_ words: [String], to others: [String]) {
            for word in words where !word.contains(" ") {
                for other in others where !(map[word]?.contains(other) ?? false) && other != word {
                    map[word, default: []].append(other)
                }
            }
        }
        for (english, german) in entries {
            link(english, to: german)
            link(german, to: english)
        }
        return map
    }()

    /// The translations of a lower-case word, empty when the glossary has none.
    static func translations(of word: String) -> [String] {
        translations[word] ?? []
    }
}
