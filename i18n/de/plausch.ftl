# Plausch — Deutsch

## Anwendung

app-name = Plausch
# Fenstertitel mit ungelesenen Nachrichten, z. B. „(3) Plausch“.
window-title-unread = ({ $count }) Plausch
unread-count =
    { $count ->
        [one] { $count } ungelesene Nachricht
       *[other] { $count } ungelesene Nachrichten
    }

## Seitenleiste

add-account-button = + Konto hinzufügen
reconnect-button = Neu verbinden
reconnect-now-button = Jetzt verbinden
accounts-all = Alle
no-contacts = Noch keine Kontakte

## Verbindungszustände eines Kontos

state-connecting = Verbinde…
state-online = Online
state-reconnecting = Verbinde neu…
state-reconnecting-in = Neuer Versuch in { $seconds } s
state-catching-up = Lädt verpasste Nachrichten…
state-offline = Offline
state-auth-failed = Falsches Passwort
state-cert-untrusted = Zertifikat nicht vertrauenswürdig
state-broken = Ungültige Konfiguration
state-disabled = Deaktiviert

## Anwesenheit von Kontakten

presence-available = Online
presence-chat = Gesprächsbereit
presence-away = Abwesend
presence-xa = Länger abwesend
presence-dnd = Bitte nicht stören
presence-offline = Offline

## Fehlerbanner

banner-dismiss = Schließen
banner-auth-failed = { $account }: Der Server hat das Passwort nicht akzeptiert. Bitte prüfen und „Neu verbinden“ drücken.
banner-cert-untrusted = { $account }: Dem Zertifikat des Servers wird nicht vertraut ({ $reason }). Fingerabdruck: { $fingerprint }. Wenn Sie sicher sind, dass es der richtige Server ist, vertrauen Sie ihm in den Kontoeinstellungen (⚙).
banner-cert-untrusted-unknown = { $account }: Dem Zertifikat des Servers wird nicht vertraut ({ $reason }).
banner-connection-lost = { $account }: Verbindung unterbrochen ({ $reason }).

## Willkommensseite

welcome-title = Willkommen bei Plausch
welcome-no-accounts = Chatten Sie mit allen im offenen XMPP-Netz. Fügen Sie Ihr erstes Konto hinzu, um loszulegen.
welcome-pick-conversation = Wählen Sie links einen Kontakt oder ein Gespräch.

## Gespräch

chat-via-account = über { $account }
chat-typing = schreibt …
chat-loading = Nachrichten werden geladen…
chat-beginning = Hier beginnt das Gespräch.
chat-empty = Noch keine Nachrichten. Sagen Sie Hallo!
day-today = Heute
day-yesterday = Gestern
# strftime-Muster für ältere Tage in der Nachrichtenliste.
date-format = %d.%m.%Y
composer-placeholder = Nachricht schreiben – Eingabe sendet, Umschalt+Eingabe für neue Zeile
composer-placeholder-offline = Nachricht schreiben – sie wird gesendet, sobald das Konto online ist
send-button = Senden

## Zustellstatus eigener Nachrichten

msg-state-queued = Wartet auf Versand
msg-state-sent = Gesendet
msg-state-acked = Vom Server empfangen
msg-state-delivered = Zugestellt
msg-state-read = Gelesen
msg-state-failed = Nicht gesendet
message-retry = Erneut senden

## Dialog „Konto hinzufügen“

dialog-title = Konto hinzufügen
dialog-add = Hinzufügen
dialog-adding = Wird hinzugefügt…
dialog-cancel = Abbrechen
field-jid = Adresse
field-jid-placeholder = alice@example.org
field-password = Passwort
field-password-placeholder = Wird im Schlüsselbund gespeichert
field-use-command = Stattdessen einen Passwort-Befehl verwenden
field-create-account = Dieses Konto auf dem Server anlegen (wenn er Anmeldungen erlaubt)
dialog-create = Konto anlegen
dialog-creating = Wird angelegt…
field-password-command = Passwort-Befehl
field-password-command-placeholder = z. B. pass show xmpp/alice
field-label = Bezeichnung
field-label-placeholder = z. B. Arbeit
field-id = Kurzname
field-id-placeholder = arbeit
field-color = Farbe
advanced-toggle = Erweitert
field-host = Server-Host
field-host-placeholder = aus der Adresse
field-port = Port
field-port-placeholder = 5222
field-tls = Verschlüsselung
tls-starttls = STARTTLS
tls-direct = Direktes TLS
field-ca-file = CA-Zertifikatsdatei
field-ca-file-placeholder = /pfad/zu/ca.pem
field-pinned = Angehefteter Zertifikats-Fingerabdruck (SHA-256)
field-pinned-placeholder = AB:CD:…

## Fehler beim Hinzufügen

error-invalid-id = Der Kurzname darf nur Kleinbuchstaben a–z, Ziffern, „-“ und „_“ enthalten.
error-id-empty = Geben Sie einen Kurznamen für das Konto ein.
error-id-too-long = Der Kurzname darf höchstens 32 Zeichen lang sein.
error-id-start = Der Kurzname muss mit einem Kleinbuchstaben oder einer Ziffer beginnen.
error-invalid-fingerprint = Ein Zertifikats-Fingerabdruck hat 64 Hexadezimalziffern (Doppelpunkte sind optional).
error-invalid-jid = Geben Sie eine Adresse wie alice@example.org ein.
error-no-password = Geben Sie ein Passwort ein oder verwenden Sie einen Passwort-Befehl.
error-no-command = Geben Sie den Passwort-Befehl ein.
error-invalid-port = Der Port muss eine Zahl zwischen 1 und 65535 sein.
error-account-rejected = Dieses Konto kann nicht hinzugefügt werden: { $reason }
error-invalid-tls = Der TLS-Modus muss „starttls“ oder „direct“ sein.
error-empty-value = Eine Einstellung dieses Kontos ist leer; lassen Sie sie weg oder füllen Sie sie aus.
error-invalid-host = Der Servername darf keine Leerzeichen enthalten.

## Kontoeinstellungen
settings-button-tooltip = Kontoeinstellungen
settings-title = Einstellungen von { $account }
settings-close = Schließen
settings-saved = Gespeichert.
settings-enabled = Dieses Konto verbinden
settings-connection = Verbindung
settings-privacy = Privatsphäre
settings-send-receipts = Kontakten bestätigen, dass ihre Nachrichten angekommen sind (Zustellbestätigungen)
settings-send-typing = Kontakten zeigen, wenn ich schreibe
field-resource = Ressource
field-resource-placeholder = vom Server gewählt
field-priority = Priorität
error-invalid-priority = Die Priorität muss eine ganze Zahl von -128 bis 127 sein.
settings-save = Speichern
settings-password = Passwort
settings-new-password = Neues Passwort
settings-change-password = Auf dem Server ändern
settings-password-sent = Der Server wird gebeten, das Passwort zu ändern …
settings-password-changed = { $account }: Das Passwort wurde geändert.
settings-tools = Werkzeuge
settings-server-info = Server-Info
settings-console = XML-Konsole
settings-remove = Konto entfernen …
settings-remove-confirm = { $account } entfernen? Verlauf, Dateien und gespeichertes Passwort werden von diesem Computer gelöscht. Das Konto auf dem Server bleibt bestehen.
settings-remove-yes = Entfernen

## Nicht vertrauenswürdiges Zertifikat
cert-untrusted-title = Dem Zertifikat des Servers wird nicht vertraut
cert-changed-title = Das Zertifikat des Servers hat sich geändert
cert-reason = Grund
cert-subject = Ausgestellt für
cert-issuer = Ausgestellt von
cert-valid = Gültig
cert-fingerprint = SHA-256
cert-explain = Vergleichen Sie den Fingerabdruck mit dem, den Ihnen die Serververwaltung genannt hat. Vertrauen heftet genau dieses Zertifikat an, nur für dieses Konto.
cert-trust = Diesem Zertifikat für dieses Konto vertrauen
cert-why-unknown-issuer = keine Zertifizierungsstelle, der Sie vertrauen, bürgt dafür
cert-why-expired = es ist abgelaufen
cert-why-not-yet-valid = es ist noch nicht gültig (oder die Uhr dieses Computers geht falsch)
cert-why-wrong-name = es ist für einen anderen Servernamen ausgestellt
cert-why-pin-mismatch = das Zertifikat des Servers hat sich geändert: es ist nicht das angeheftete (ein erneuertes Zertifikat oder jemand dazwischen)
cert-why-ca-used-as-end-entity = es ist das Zertifikat einer Zertifizierungsstelle, kein Serverzertifikat
cert-why-revoked = es wurde widerrufen
cert-why-bad-signature = seine Signatur ist ungültig
cert-why-wrong-purpose = es ist nicht für Server bestimmt
cert-why-invalid = es ist fehlerhaft oder konnte nicht geprüft werden

## Server-Info
info-software = Server-Software
info-tls = TLS
info-certificate = Zertifikat
info-stream-management = Stream-Management
info-sm-on = an, { $resumptions } Wiederaufnahmen
info-sm-off = aus
info-rtt = Umlaufzeit
info-features = Funktionen

## XML-Konsole
console-title = XML-Konsole — { $account }
console-filter = Filter
console-clear = Leeren
console-raw-placeholder = <iq type='get' to='example.org' id='1'><ping xmlns='urn:xmpp:ping'/></iq>

## Desktop-Benachrichtigungen
notify-new-message = Neue Nachricht
notify-open = Öffnen
notify-file-offer = Bietet eine Datei an: { $name } ({ $size })
notify-file-offer-stranger = Bietet eine Datei an: { $name } ({ $size }). Nicht in Ihren Kontakten.

## Signale im Gespräch
chat-new-messages = Neue Nachrichten
chat-read-up-to-here = Bis hier gelesen
chat-mute = Stummschalten
chat-unmute = Stummschaltung aufheben
message-edited = bearbeitet
message-edited-original = Ursprünglich: { $original }
message-moderated = Von { $by } entfernt.
message-moderated-reason = Von { $by } entfernt: { $reason }
message-retracted = Diese Nachricht wurde zurückgezogen.
message-quote-missing = (Nachricht nicht verfügbar)
action-reply = Antworten
action-edit = Bearbeiten
action-retract = Zurückziehen
action-moderate = Für alle entfernen
composer-editing = Sie bearbeiten Ihre Nachricht – Esc bricht ab
composer-replying = Antwort auf: { $text }
composer-cancel = Abbrechen
settings-send-read-markers = Kontakten zeigen, wenn ich ihre Nachrichten gelesen habe (Lesebestätigungen)
settings-notifications = Desktop-Benachrichtigungen bei neuen Nachrichten
settings-notification-text = Absender und Text in Benachrichtigungen zeigen

## Kontakte, Status und Profile

sidebar-filter-placeholder = Kontakte und Chats durchsuchen
sidebar-hide-offline = Offline ausblenden
sidebar-no-match = Keine Treffer
sidebar-last-file = Datei: { $name }
add-contact-button = + Kontakt
presence-all-button = Status für alle Konten
subscription-request = { $contact } möchte Ihren Status sehen
subscription-accept = Annehmen
subscription-deny = Ablehnen
add-contact-title = Kontakt hinzufügen
add-contact-account = Konto
add-contact-jid = Adresse
add-contact-name = Name
add-contact-name-placeholder = Wie Sie ihn sehen wollen (optional)
contact-groups = Gruppen
contact-groups-placeholder = Durch Kommas getrennt (optional)
add-contact-preapprove = Meinen Status ohne Nachfrage zeigen
add-contact-explain = Der Kontakt wird gefragt, ob Sie seinen Status sehen dürfen; bis zur Antwort erscheint er offline.
add-contact-submit = Hinzufügen
add-contact-invalid-jid = Gib eine Adresse wie name@example.org ein.
details-button = Details
details-button-tooltip = Kontaktdetails
details-message = Nachricht
details-edit = Name und Gruppen
details-block = Blockieren
details-unblock = Nicht mehr blockieren
details-remove = Kontakt entfernen
details-remove-confirm = { $contact } aus Ihren Kontakten entfernen? Sie sehen dann gegenseitig Ihren Status nicht mehr; der Chatverlauf bleibt.
details-nick = Spitzname
details-subscription = Status teilen
details-device = Gerät „{ $resource }“
details-client-unknown = unbekannte App
details-encryption = Verschlüsselung
details-encryption-none = Nicht Ende-zu-Ende-verschlüsselt: Dieser Kontakt hat kein Gerät mit OMEMO
details-encryption-untrusted = Noch nicht Ende-zu-Ende-verschlüsselt: Keinem Gerät dieses Kontakts wird vertraut (siehe unten)
details-encryption-omemo = { $count ->
    [one] Ende-zu-Ende-Verschlüsselung möglich (OMEMO): ein vertrautes Gerät
   *[other] Ende-zu-Ende-Verschlüsselung möglich (OMEMO): { $count } vertraute Geräte
}
details-loading = Details werden beim Server erfragt…
subscription-both = Sie sehen gegenseitig Ihren Status
subscription-to = Sie sehen den Status, der Kontakt Ihren nicht
subscription-from = Der Kontakt sieht Ihren Status, Sie seinen nicht
subscription-none = Kein Status geteilt
subscription-not-in-roster = Nicht in Ihren Kontakten
last-seen-minutes = zuletzt gesehen vor { $minutes ->
    [one] einer Minute
   *[other] { $minutes } Minuten
}
last-seen-hours = zuletzt gesehen vor { $hours ->
    [one] einer Stunde
   *[other] { $hours } Stunden
}
last-seen-date = zuletzt gesehen am { $date }
last-seen-now = gerade eben gesehen
vcard-full-name = Vollständiger Name
vcard-organization = Organisation
vcard-title = Position
vcard-email = E-Mail
vcard-phone = Telefon
vcard-url = Web
vcard-note = Notiz
profile-title = Ihr Profil bei { $account }
profile-explain = Ihre Kontakte sehen das. Der Server zeigt es den Personen, die Ihren Status sehen.
profile-avatar = Bild
profile-avatar-placeholder = Pfad einer Bilddatei, oder eine aufs Fenster ziehen
profile-avatar-set = Bild setzen
profile-avatar-remove = Bild entfernen
profile-avatar-sending = Das Bild wird gesendet…
profile-nick = Spitzname
profile-lists-hint = Mehrere E-Mail-Adressen, Telefonnummern oder Webadressen durch Kommas trennen.
profile-saving = Wird gespeichert…
profile-saved = Profil gespeichert.
settings-edit-profile = Profil bearbeiten
presence-title = Ihr Status
presence-all-title = Ihr Status auf allen Konten
presence-status-placeholder = Statusnachricht (optional)
presence-away-after = Abwesend nach
presence-minutes = Minuten
presence-away-hint = ohne Nutzung von Plausch (0 = nie)
presence-away-invalid = Gib die Minuten als Zahl von 0 bis 1440 ein.
presence-apply = Setzen
settings-blocklist = Blockiert
settings-blocklist-empty = Niemand ist blockiert.
settings-blocklist-explain = Von blockierten Adressen erreicht Sie nichts, und sie sehen Ihren Status nicht.
settings-block-placeholder = Adresse oder Domain zum Blockieren
settings-block = Blockieren
settings-unblock = Freigeben

## Files
decimal-separator = ,
file-attach = Datei…
file-attach-tooltip = Datei senden (oder auf das Fenster ziehen)
file-pick-title = Datei senden
file-plain-http = unverschlüsseltes HTTP
file-queued = Wartet…
file-uploading = Wird hochgeladen
file-downloading = Wird heruntergeladen
file-progress = { $done } von { $total } ({ $percent } %)
file-retrying = { $status } (neuer Versuch folgt: { $reason })
file-cancel = Abbrechen
file-download = Herunterladen
file-retry-download = Erneut herunterladen
file-open = Öffnen
file-show-in-folder = Im Ordner zeigen
file-failed = Die Übertragung ist fehlgeschlagen.
file-failed-reason = Die Übertragung ist fehlgeschlagen: { $reason }
file-cancelled = Die Übertragung wurde abgebrochen.
file-cancelled-reason = Die Übertragung wurde abgebrochen: { $reason }
# Eine Datei, direkt angeboten (Jingle): vom Gerät des Kontakts, nicht über den Server.
file-accept = Annehmen
file-decline = Ablehnen
file-offer-from = Direkt vom Gerät von { $contact } gesendet
file-offer-stranger = Nicht in Ihren Kontakten
file-offer-waiting = Wartet darauf, dass { $contact } annimmt
# Wie eine direkte Übertragung läuft: von Gerät zu Gerät (SOCKS5) oder über den Server (IBB).
file-direct = direkt
file-via-server = über den Server
file-too-large = { $account }: { $name } ist { $size } groß; der Server nimmt Dateien bis { $max } an.
file-bad-name = { $path } kann nicht gesendet werden: Der Name ist kein gültiges Unicode.
file-not-sent = { $name } wurde nicht gesendet: Das Konto läuft nicht.
file-open-failed = { $path } konnte nicht geöffnet werden: { $reason }
paste-file-name = Eingefügtes Bild { $time }
paste-confirm = Eingefügtes Bild senden? { $name } ({ $width } × { $height }, { $size })
paste-send = Senden
paste-discard = Verwerfen
paste-unreadable = Die Zwischenablage konnte nicht gelesen werden: { $reason }
paste-too-large = Das eingefügte Bild hat { $width } × { $height } Pixel; höchstens { $max } Megapixel können gesendet werden.
paste-damaged = Das Bild in der Zwischenablage ist beschädigt: { $reason }
paste-not-saved = Das eingefügte Bild konnte nicht unter { $path } gespeichert werden: { $reason }
settings-files = Dateien
settings-auto-download = Bilder und kleine Dateien von Kontakten automatisch herunterladen
settings-auto-download-max = Andere Dateien bis (MiB)
settings-download-dir = Ordner für empfangene Dateien
settings-download-dir-placeholder = Leer: der eigene Ordner des Kontos im Profil
settings-direct-first = Dateien zuerst direkt an das Gerät des Kontakts senden
settings-direct-first-help = Sonst gehen Dateien über den Upload-Dienst Ihres Servers und nur dann direkt, wenn er sie nicht annehmen kann.
error-invalid-size = Die Größe muss eine ganze Zahl in MiB sein.
error-invalid-keep-days = Nachrichten eine ganze Zahl von Tagen aufbewahren (0: für immer).

## Gruppen
join-room-button = + Gruppe
join-room-button-tooltip = Einer Gruppe beitreten oder eine anlegen
join-room-title = Gruppe beitreten oder anlegen
join-room-address = Adresse der Gruppe
join-room-address-placeholder = team@conference.example.org
join-room-nick = Ihr Name in der Gruppe
join-room-create = Neue Gruppe nur für Mitglieder anlegen
join-room-name = Name der Gruppe
join-room-name-placeholder = z. B. Betriebsrat
join-room-members = Mitglieder
join-room-members-placeholder = Adressen der Mitglieder, eine pro Zeile
join-room-create-explain = Nur Mitglieder können die Gruppe betreten; alle darin sehen die Adressen der anderen. Mitglieder lassen sich später hinzufügen und entfernen.
join-room-submit = Beitreten
join-room-create-submit = Anlegen
join-room-invalid-address = Gib die Adresse der Gruppe ein, etwa team@conference.example.org.
join-room-invalid-member = „{ $jid }“ ist keine Adresse wie name@example.org.
room-people =
    { $count ->
        [one] { $count } Person
       *[other] { $count } Personen
    }
room-menu = Gruppe ▾
room-reconnecting = Verbindung zur Gruppe wird wiederhergestellt…
room-not-joined = Sie sind nicht in dieser Gruppe.
room-composer-not-joined = Sie sind nicht in dieser Gruppe: Nachrichten können nicht gesendet werden.
room-rejoin = Wieder beitreten
room-notify = Benachrichtigen:
room-notify-all = Alle Nachrichten
room-notify-mentions = Erwähnungen
room-notify-none = Nie
room-invite = Einladen…
room-invite-placeholder = Adresse der Person, die Sie einladen
room-invite-send = Einladen
room-members = Mitglieder…
room-members-explain = Alle, die der Gruppe beitreten dürfen: Besitzer, Admins und Mitglieder, auch wer gerade nicht da ist. Füge Mitglieder per Adresse hinzu; wer entfernt wird, muss auch die Gruppe verlassen.
room-member-placeholder = Adresse des neuen Mitglieds
room-member-add = Mitglied hinzufügen
room-member-remove = Entfernen
room-subject-edit = Thema…
room-subject-placeholder = Worum es in der Gruppe gerade geht
room-subject-save = Thema setzen
room-leave = Verlassen
room-destroy = Gruppe schließen…
room-destroy-question = Diese Gruppe für alle schließen? Alle verlassen sie, und niemand kann sie wieder betreten.
room-destroy-confirm = Gruppe schließen
room-role-moderators = Moderation
room-role-participants = Teilnehmende
room-role-visitors = Gäste (ohne Schreibrecht)
room-affiliation-owner = Besitzer
room-affiliation-admin = Admin
room-affiliation-member = Mitglied
room-affiliation-outcast = gesperrt
room-kick = Rauswerfen
room-private-message = Private Nachricht
room-ban = Sperren
room-typing-one = { $nick } schreibt…
room-typing-two = { $first } und { $second } schreiben…
room-typing-many = { $count } Personen schreiben…
room-invitation = { $from } lädt Sie in die Gruppe { $room } ein.
room-invitation-join = Beitreten
room-not-running = Das Konto läuft nicht: Die Anfrage wurde nicht gesendet.
room-left-kicked = Sie wurden aus der Gruppe { $room } entfernt. Sie können wieder beitreten.
room-left-banned = Sie wurden aus der Gruppe { $room } gesperrt.
room-left-removed = Sie sind kein Mitglied der Gruppe { $room } mehr.
room-left-members-only = Die Gruppe { $room } ist jetzt nur für Mitglieder, und Sie sind keins.
room-left-shutdown = Der Gruppendienst von { $room } wurde beendet.
room-left-destroyed = Die Gruppe { $room } wurde geschlossen.
room-left-actor = Von { $actor }.
room-left-reason = Grund: { $reason }
muc-error-not-member = Sie sind kein Mitglied der Gruppe { $room }.
muc-error-conflict = { $room }: Der Name ist vergeben – jemand in der Gruppe nutzt Ihren Namen schon, oder es gibt bereits eine Gruppe mit dieser Adresse.
muc-error-forbidden = { $room }: Das dürfen Sie nicht (vielleicht sind Sie in der Gruppe gesperrt).
muc-error-not-allowed = { $room }: Die Gruppe erlaubt das nicht.
muc-error-password = { $room }: Die Gruppe braucht ein Passwort.
muc-error-not-found = Die Gruppe { $room } gibt es nicht.
muc-error-unavailable = { $room }: Die Gruppe kann gerade nicht betreten werden (vielleicht ist sie voll).
muc-error-not-in-room = { $room }: Sie sind nicht in dieser Gruppe.
muc-error-unsupported = { $room }: Die Gruppe unterstützt das nicht.
muc-error-other = { $room }: Die Anfrage ist fehlgeschlagen ({ $condition }).
notify-room-title = { $nick } in { $room }

## Probleme, die der Kern meldet (error-Ereignisse, nach Code)
problem-not-connected = Das Konto ist nicht verbunden, daher ist nichts geschehen.
problem-store-failed = Der Nachrichtenspeicher konnte nicht gelesen oder geschrieben werden.
problem-invalid-address = Die Adresse ist ungültig.
problem-own-address = Das ist die eigene Adresse dieses Kontos.
problem-empty-message = Die Nachricht ist leer.
problem-empty-password = Das neue Passwort ist leer.
problem-unknown-message = Die Nachricht wurde nicht gefunden.
problem-message-unchangeable = Die Nachricht kann nicht geändert werden.
problem-not-in-room = Sie sind nicht in der Gruppe.
problem-file-unreadable = Die Datei kann nicht gelesen werden.
problem-file-unavailable = Die Datei ist (noch) nicht verfügbar.
problem-unknown-transfer = Die Dateiübertragung wurde nicht gefunden.
problem-transfer-failed = Die Dateiübertragung konnte nicht gestartet werden.
problem-export-failed = Der Export konnte nicht geschrieben werden.
problem-backup-failed = Die Sicherung konnte nicht geschrieben werden.
problem-still-busy = Die vorige Änderung wird noch gespeichert; versuchen Sie es gleich noch einmal.
problem-server-timeout = Der Server hat nicht rechtzeitig geantwortet; die Änderung ist vielleicht nicht gespeichert.
problem-profile-not-saved = Der Server hat das Profil nicht gespeichert.
problem-avatar-unusable = Das Bild kann nicht als Avatar verwendet werden.
problem-bad-server-answer = Die Antwort des Servers konnte nicht gelesen werden.
problem-invalid-stanza = Das XML ist keine gültige Stanza; es wurde nichts gesendet.
problem-account-failed = Das Konto funktioniert nicht mehr.
problem-unknown-account = Dieses Konto gibt es nicht.
problem-invalid-command = Der Befehl ist ungültig.
problem-input-unreadable = Die Eingabe kann nicht gelesen werden.
problem-config-failed = Die Konfiguration konnte nicht gelesen oder gespeichert werden.
problem-duplicate-account = Ein Konto mit diesem Namen gibt es schon.
problem-password-unavailable = Das Passwort ist nicht verfügbar.
problem-registration-failed = Das Konto konnte auf dem Server nicht angelegt werden.
problem-data-dir-failed = Der Datenordner kann nicht verwendet werden.
problem-omemo = Die Verschlüsselungsanfrage konnte nicht ausgeführt werden.
problem-encryption-required = Dieses Konto sendet Nachrichten nur Ende-zu-Ende-verschlüsselt.
problem-encryption-unavailable = Ende-zu-Ende-Verschlüsselung ist hier nicht möglich: Die Gruppe ist nicht auf Mitglieder beschränkt oder verbirgt deren Adressen.

## Vom Server abgelehnte Anfragen (Fehler mit Code) und warum (XMPP-Bedingungen)
refused-roster-request = Die Kontaktliste konnte nicht gelesen werden: { $why }.
refused-roster-change = Der Server hat die Änderung abgelehnt: { $why }.
refused-avatar = Das Bild wurde nicht geändert: { $why }.
refused-password-change = Der Server hat das Passwort nicht geändert: { $why }.
xmpp-bad-request = die Anfrage wurde nicht verstanden
xmpp-conflict = sie steht im Widerspruch zu etwas, das schon existiert
xmpp-feature-not-implemented = das wird dort nicht unterstützt
xmpp-forbidden = das ist verboten
xmpp-gone = die Adresse wird nicht mehr verwendet
xmpp-internal-server-error = der Server hatte einen internen Fehler
xmpp-item-not-found = es wurde nicht gefunden
xmpp-jid-malformed = die Adresse ist ungültig
xmpp-not-acceptable = die Anfrage war nicht annehmbar
xmpp-not-allowed = das ist nicht erlaubt
xmpp-not-authorized = nicht berechtigt
xmpp-policy-violation = es verstößt gegen die Regeln des Servers
xmpp-recipient-unavailable = der Empfänger ist nicht erreichbar
xmpp-redirect = die Adresse ist umgezogen
xmpp-registration-required = eine Registrierung ist nötig
xmpp-remote-server-not-found = der andere Server ist nicht erreichbar
xmpp-remote-server-timeout = der andere Server hat nicht rechtzeitig geantwortet
xmpp-resource-constraint = der Server ist überlastet
xmpp-service-unavailable = der Dienst ist nicht verfügbar
xmpp-subscription-required = ein Präsenz-Abonnement ist nötig
xmpp-unexpected-request = die Anfrage kam zur falschen Zeit
xmpp-undefined-condition = die Anfrage ist fehlgeschlagen

## OMEMO-Geräte und Vertrauen (Kontoeinstellungen, Kontaktdetails, Hinweis im Chat)
omemo-settings-title = Verschlüsselung (OMEMO)
omemo-settings-switch = OMEMO-Ende-zu-Ende-Verschlüsselung für dieses Konto verwenden
omemo-settings-require = 1:1-Nachrichten nur Ende-zu-Ende-verschlüsselt senden (nie im Klartext)
omemo-this-device = Dieses Gerät
omemo-this-device-pending = Wird eingerichtet, sobald das Konto wieder online ist.
omemo-off = OMEMO ist für dieses Konto ausgeschaltet.
omemo-other-devices = Andere Geräte dieses Kontos
omemo-no-other-devices = Kein anderes Gerät dieses Kontos verwendet OMEMO.
omemo-remove-hint = Entfernen Sie Geräte, die Sie nicht mehr benutzen: Diese erhalten dann Ihre verschlüsselten Nachrichten nicht mehr. Ein Gerät, das noch benutzt wird, trägt sich wieder ein.
omemo-device-id = Gerät { $id }
omemo-device-active = in Gebrauch
omemo-device-inactive = nicht in Gebrauch
omemo-device-last-used = letzte Nachricht { $date }
omemo-device-remove = Entfernen
omemo-device-reset = Sitzung zurücksetzen
omemo-device-stale = Seit über 90 Tagen keine Nachricht von diesem Gerät: Es wird nicht mitverschlüsselt, solange andere Geräte in Gebrauch sind. Sobald es schreibt, zählt es wieder.
omemo-problem-no-bundle = Nicht erreichbar: Das Gerät hat keine Schlüssel veröffentlicht.
omemo-problem-bundle-invalid = Nicht erreichbar: Die veröffentlichten Schlüssel des Geräts sind unbrauchbar.
omemo-problem-session-broken = Seine Nachrichten lassen sich nicht entschlüsseln: Die verschlüsselte Sitzung ist kaputt. „Sitzung zurücksetzen“ beginnt eine neue.
omemo-version-legacy = OMEMO
omemo-version-2 = OMEMO 2
omemo-key-unknown = Schlüssel noch unbekannt (er kommt mit der ersten verschlüsselten Nachricht)
omemo-contact-devices = Geräte für die Verschlüsselung
omemo-devices-loading = Geräte werden gesucht…
omemo-no-devices = Dieser Kontakt hat kein Gerät mit OMEMO-Verschlüsselung.
omemo-undecided-hint = Nachdem Sie diesen Kontakt überprüft haben, ist ein neues Gerät aufgetaucht. Bis Sie entscheiden, wird nicht dorthin verschlüsselt.
omemo-uri-label = Mit einem Fingerabdruck-Link überprüfen (xmpp:… aus dem QR-Code des Kontakts)
omemo-verify-uri = Überprüfen
omemo-verified-count =
    { $count ->
        [0] Kein Gerät wurde überprüft.
        [one] Ein Gerät überprüft.
       *[other] { $count } Geräte überprüft.
    }
omemo-mismatch-count =
    { $count ->
        [one] Ein Fingerabdruck passt NICHT zum Schlüssel des Geräts – fragen Sie beim Kontakt nach.
       *[other] { $count } Fingerabdrücke passen NICHT zu den Schlüsseln der Geräte – fragen Sie beim Kontakt nach.
    }
omemo-unknown-count =
    { $count ->
        [one] Ein Gerät ist noch nicht bekannt.
       *[other] { $count } Geräte sind noch nicht bekannt.
    }
omemo-banner = { $contact } hat ein neues Gerät, über das Sie noch nicht entschieden haben. Bis dahin wird nicht dorthin verschlüsselt.
omemo-banner-show = Geräte anzeigen
trust-verified = Überprüft
trust-blind = Vertraut, nicht überprüft
trust-undecided = Neu – nicht entschieden
trust-untrusted = Misstraut
trust-action-verify = Überprüfen
trust-action-blind = Ohne Prüfung vertrauen
trust-action-distrust = Misstrauen

## Ende-zu-Ende-Verschlüsselung von Nachrichten (OMEMO)
composer-encrypted = Verschlüsselt
composer-encrypted-tooltip = Was Sie hier schreiben, ist Ende-zu-Ende-verschlüsselt: Nur die Geräte dieses Kontakts und Ihre eigenen vertrauenswürdigen Geräte können es lesen. Ein Klick schaltet die Verschlüsselung für diesen Chat aus.
composer-unencrypted = Unverschlüsselt
composer-unencrypted-tooltip = Was Sie hier schreiben, ist nicht Ende-zu-Ende-verschlüsselt: Die Server auf dem Weg können es lesen. Ein Klick verschlüsselt diesen Chat.
composer-group-encrypted-tooltip = Was Sie hier schreiben, ist Ende-zu-Ende-verschlüsselt für die vertrauenswürdigen Geräte aller Mitglieder und Ihre eigenen. Ein Klick schaltet die Verschlüsselung für diese Gruppe aus.
composer-group-unencrypted-tooltip = Was Sie hier schreiben, ist nicht Ende-zu-Ende-verschlüsselt: Die Server auf dem Weg können es lesen. Ein Klick verschlüsselt diese Gruppe für ihre Mitglieder.
composer-group-open-tooltip = Diese Gruppe kann nicht Ende-zu-Ende-verschlüsselt werden: Sie ist für alle offen oder verbirgt die Adressen ihrer Mitglieder, daher weiß niemand, wessen Schlüssel zu verwenden sind. Das geht nur in Gruppen nur für Mitglieder, die Adressen zeigen (wie die Gruppen, die Sie hier anlegen).
composer-group-unreachable = Diese Mitglieder können verschlüsselte Nachrichten hier nicht lesen (kein vertrauenswürdiges Gerät mit OMEMO): { $names }
message-encrypted = verschlüsselt
message-unencrypted = unverschlüsselt
encryption-none = Nicht Ende-zu-Ende-verschlüsselt
encryption-omemo = Ende-zu-Ende-verschlüsselt (OMEMO)
encryption-omemo2 = Ende-zu-Ende-verschlüsselt (OMEMO 2)
message-undecryptable = Diese verschlüsselte Nachricht konnte nicht entschlüsselt werden: { $reason }
decryption-not-for-this-device = Die Nachricht wurde nicht für dieses Gerät verschlüsselt.
decryption-no-session = Es gibt keine verschlüsselte Sitzung mit dem Gerät des Absenders.
decryption-duplicate = Die Nachricht kam schon einmal an (eine Wiederholung).
decryption-broken = Die Nachricht ist beschädigt oder nicht echt.
decryption-disabled = Die Verschlüsselung ist für dieses Konto ausgeschaltet.
decryption-unknown-sender = Die Gruppe nennt nicht, wer sie geschrieben hat; dessen Schlüssel sind daher unbekannt.

## Suche (Strg+F in einem Gespräch, Strg+Umschalt+F überall)
search-title-all = Alle Gespräche durchsuchen
search-title-conversation = Suchen in { $name }
search-widen = Überall
search-placeholder = Wörter, from:, with:, before:, after:
search-hint = Wörter passen auf Wortanfänge. Filter: from: (ein Kontakt oder Nick), with: oder in: (ein Gespräch), before: und after: (ein Datum, JJJJ-MM-TT). Strg+Umschalt+F sucht überall.
search-searching = Suche läuft…
search-none = Keine Nachrichten gefunden.
search-count = { $count ->
    [one] Eine Nachricht
   *[other] { $count } Nachrichten
}
search-you = Sie
chat-jump-newest = ↓ Neueste Nachrichten

## Der Verlauf in Ihrer Hand: Export, Löschen, Aufbewahrung, Sicherung, Wiederherstellung
app-menu-tooltip = Sichern, exportieren, wiederherstellen
app-menu-backup = Sichern …
app-menu-export-all = Alles exportieren …
app-menu-restore = Aus einer Sicherung wiederherstellen …
welcome-restore = Aus einer Sicherung wiederherstellen …
action-delete-here = Hier löschen
action-delete-here-question = Diese Nachricht auf diesem Computer löschen? Die Kopie im Archiv Ihres Servers bleibt.
history-export-button = Gespräch exportieren …
history-delete-button = Verlauf löschen …
export-choose-title = Wohin soll der Export?
export-format = Format
export-format-text = Reiner Text
export-format-text-help = Eine Zeile je Nachricht mit Datum, Uhrzeit und Name; gut zu lesen und zu durchsuchen.
export-format-jsonl = JSON Lines
export-format-jsonl-help = Alle Angaben jeder Nachricht, eine je Zeile, für andere Programme.
export-format-html = Webseite (HTML)
export-format-html-help = Sieht aus wie das Gespräch; öffnet sich in jedem Browser.
export-title-conversation = Das Gespräch mit { $name } exportieren
export-title-account = Alle Gespräche von { $account } exportieren
export-title-all = Alle Konten exportieren
export-explain-file = Wählen Sie ein Format und dann, wo die Datei gespeichert wird.
export-explain-folder = Wählen Sie ein Format und dann einen Ordner: Jedes Konto wird dort in eine eigene Datei geschrieben, benannt nach dem Konto.
export-choose-file = Datei wählen …
export-choose-folder = Ordner wählen …
export-readable = Die Datei enthält die Nachrichten lesbar, auch die Ende-zu-Ende-verschlüsselten. Bewahren Sie sie sicher auf.
export-not-running = Nicht exportiert, weil sie ausgeschaltet sind: { $accounts }. Schalten Sie sie in ihren Einstellungen ein, um sie zu exportieren.
export-done = { $account }: { $count ->
    [one] eine Nachricht
   *[other] { $count } Nachrichten
} nach { $path } exportiert ({ $size }).
delete-history-title = Den Verlauf mit { $name } löschen?
delete-history-what = Die Nachrichten, ihre Sucheinträge und die darin empfangenen Dateien werden von diesem Computer gelöscht. Das lässt sich nicht rückgängig machen.
delete-history-server = Die Kopie im Archiv Ihres Servers bleibt: XMPP kann sie dort nicht löschen (XEP-0313).
delete-history-stays = Das Gespräch bleibt in der Liste. Dateien, die Sie gesendet haben, bleiben, wo sie sind.
delete-history-confirm = Verlauf löschen
history-not-running = Der Verlauf kann nicht gelöscht werden, solange das Konto ausgeschaltet ist.
history-deleted = { $account }: Der Verlauf mit { $name } wurde hier gelöscht ({ $count ->
    [one] eine Nachricht
   *[other] { $count } Nachrichten
}). Das Archiv Ihres Servers behält seine Kopie.
history-retention-deleted = { $account }: { $count ->
    [one] Eine Nachricht, älter als { $days } Tage, wurde
   *[other] { $count } Nachrichten, älter als { $days } Tage, wurden
} hier gelöscht, wie in den Kontoeinstellungen festgelegt.
backup-title = Sichern
backup-explain = Eine Datei mit Ihren Einstellungen und den Nachrichten, Schlüsseln, Vertrauensentscheidungen und Bildern aller Konten. Passwörter sind nie darin. Sie können weiter chatten, während sie geschrieben wird.
backup-include-files = Empfangene Dateien einschließen (kann die Sicherung groß machen)
backup-choose = Datei wählen …
backup-writing = Sicherung wird geschrieben …
backup-file-type = Plausch-Sicherung
backup-failed = Die Sicherung konnte nicht geschrieben werden: { $reason }
backup-done = Sicherung nach { $path } geschrieben ({ $size }).
backup-done-passwords = Passwörter sind nicht in einer Sicherung: Geben Sie nach dem Wiederherstellen das Passwort erneut ein für { $accounts }.
restore-title = Aus einer Sicherung wiederherstellen
restore-explain = Wählen Sie eine Sicherungsdatei von Plausch („Sichern …“ im Menü ⋯). Ihre Konten mit Nachrichten, Einstellungen und Schlüsseln kommen zurück, wie sie beim Sichern waren.
restore-replace-warning = { $count ->
    [one] Das ersetzt das Konto auf diesem Computer samt Nachrichten und Einstellungen durch den Inhalt der Sicherung.
   *[other] Das ersetzt die { $count } Konten auf diesem Computer samt Nachrichten und Einstellungen durch den Inhalt der Sicherung.
}
restore-replace = Ja, ersetzen
restore-choose = Sicherung wählen …
restore-busy = Wird wiederhergestellt …
restore-confirm-first = Bestätigen Sie zuerst, dass die Konten auf diesem Computer ersetzt werden sollen.
restore-error-damaged = Diese Datei ist keine Plausch-Sicherung oder sie ist beschädigt. Es wurde nichts geändert.
restore-error-newer = Diese Sicherung stammt von einer neueren Plausch-Version. Aktualisieren Sie Plausch und stellen Sie sie dann wieder her. Es wurde nichts geändert.
restore-error-read = Die Sicherung konnte nicht gelesen werden ({ $reason }). Es wurde nichts geändert.
restore-error-write = Der Profilordner { $path } konnte nicht geschrieben werden ({ $reason }). Es wurde nichts geändert.
restore-error-other = Die Sicherung wurde nicht wiederhergestellt: { $reason }
restore-done = Wiederhergestellt aus { $path }: { $count ->
    [one] ein Konto
   *[other] { $count } Konten
}.
restore-done-passwords = Passwörter sind nicht in einer Sicherung: Falls dieser Computer sie noch nicht hat, geben Sie sie erneut ein für { $accounts } (Kontoeinstellungen ⚙, Passwort, „Hier speichern“).
settings-history = Verlauf
settings-keep-days = Nachrichten behalten (Tage)
settings-keep-days-help = 0 behält sie für immer. Ältere Nachrichten und die mit ihnen empfangenen Dateien werden auf diesem Computer gelöscht: sofort, wenn Sie eine kürzere Zeit speichern, danach täglich. Das Archiv Ihres Servers behält seine Kopie.
settings-export = Dieses Konto exportieren …
settings-store-password = Hier speichern
settings-store-password-tooltip = Dieses Passwort für das Konto im Schlüsselbund dieses Computers ablegen (z. B. nach einer Wiederherstellung). Auf dem Server ändert es nichts.
settings-password-stored = Das Passwort ist auf diesem Computer gespeichert.
