# Plausch — English (fallback language)

## Application

app-name = Plausch
# Window title with unread messages, e.g. "(3) Plausch".
window-title-unread = ({ $count }) Plausch
unread-count =
    { $count ->
        [one] { $count } unread message
       *[other] { $count } unread messages
    }

## Sidebar

add-account-button = + Add account
reconnect-button = Reconnect
reconnect-now-button = Reconnect now
accounts-all = All
no-contacts = No contacts yet

## Connection states of an account

state-connecting = Connecting…
state-online = Online
state-reconnecting = Reconnecting…
state-reconnecting-in = Reconnecting in { $seconds } s
state-catching-up = Catching up…
state-offline = Offline
state-auth-failed = Wrong password
state-cert-untrusted = Certificate not trusted
state-broken = Invalid configuration
state-disabled = Disabled

## Presence of contacts

presence-available = Online
presence-chat = Free to chat
presence-away = Away
presence-xa = Away for a while
presence-dnd = Do not disturb
presence-offline = Offline

## Error banners

banner-dismiss = Dismiss
banner-auth-failed = { $account }: the server did not accept the password. Check it and press “Reconnect”.
banner-cert-untrusted = { $account }: the server’s certificate is not trusted ({ $reason }). Fingerprint: { $fingerprint }. If you are sure it is the right server, trust it in the account settings (⚙).
banner-cert-untrusted-unknown = { $account }: the server’s certificate is not trusted ({ $reason }).
banner-connection-lost = { $account }: connection lost ({ $reason }).

## Welcome screen

welcome-title = Welcome to Plausch
welcome-no-accounts = Chat with anyone on the open XMPP network. Add your first account to get started.
welcome-pick-conversation = Pick a contact or a conversation on the left.

## Conversation

chat-via-account = via { $account }
chat-typing = is typing…
chat-loading = Loading messages…
chat-beginning = This is the beginning of the conversation.
chat-empty = No messages yet. Say hello!
day-today = Today
day-yesterday = Yesterday
# strftime pattern for older days in the message list.
date-format = %A, %B %-d, %Y
composer-placeholder = Write a message — Enter sends, Shift+Enter adds a line
composer-placeholder-offline = Write a message — it is sent when the account is online
send-button = Send

## Delivery state of own messages

msg-state-queued = Waiting to be sent
msg-state-sent = Sent
msg-state-acked = Received by the server
msg-state-delivered = Delivered
msg-state-read = Read
msg-state-failed = Not sent
message-retry = Retry

## Add-account dialog

dialog-title = Add account
dialog-add = Add account
dialog-adding = Adding…
dialog-cancel = Cancel
field-jid = Address
field-jid-placeholder = alice@example.org
field-password = Password
field-password-placeholder = Stored in the system keyring
field-use-command = Use a password command instead
field-create-account = Create this account on the server (if it allows sign-up)
dialog-create = Create account
dialog-creating = Creating…
field-password-command = Password command
field-password-command-placeholder = e.g. pass show xmpp/alice
field-label = Label
field-label-placeholder = e.g. Work
field-id = Short name
field-id-placeholder = work
field-color = Colour
advanced-toggle = Advanced
field-host = Server host
field-host-placeholder = from the address
field-port = Port
field-port-placeholder = 5222
field-tls = Encryption
tls-starttls = STARTTLS
tls-direct = Direct TLS
field-ca-file = CA certificate file
field-ca-file-placeholder = /path/to/ca.pem
field-pinned = Pinned certificate fingerprint (SHA-256)
field-pinned-placeholder = AB:CD:…

## Add-account errors

error-invalid-id = The short name may only contain lower-case letters a–z, digits, “-” and “_”.
error-id-empty = Enter a short name for the account.
error-id-too-long = The short name may be at most 32 characters long.
error-id-start = The short name must start with a lower-case letter or a digit.
error-invalid-fingerprint = A certificate fingerprint has 64 hexadecimal digits (colons are optional).
error-invalid-jid = Enter an address like alice@example.org.
error-no-password = Enter a password, or use a password command.
error-no-command = Enter the password command.
error-invalid-port = The port must be a number between 1 and 65535.
error-account-rejected = This account cannot be added: { $reason }
error-invalid-tls = The TLS mode must be “starttls” or “direct”.
error-empty-value = A setting of this account is empty; leave it out or fill it in.
error-invalid-host = The server name must not contain spaces.

## Account settings
settings-button-tooltip = Account settings
settings-title = Settings of { $account }
settings-close = Close
settings-saved = Saved.
settings-enabled = Connect this account
settings-connection = Connection
settings-privacy = Privacy
settings-send-receipts = Tell contacts when their messages arrived (delivery receipts)
settings-send-typing = Show contacts when I am typing
field-resource = Resource
field-resource-placeholder = chosen by the server
field-priority = Priority
error-invalid-priority = The priority must be a whole number from -128 to 127.
settings-save = Save
settings-password = Password
settings-new-password = New password
settings-change-password = Change on the server
settings-password-sent = Asking the server to change the password…
settings-password-changed = { $account }: the password was changed.
settings-tools = Tools
settings-server-info = Server info
settings-console = XML console
settings-remove = Remove account…
settings-remove-confirm = Remove { $account }? Its history, files and stored password are deleted from this computer. The account on the server stays.
settings-remove-yes = Remove

## Untrusted certificate
cert-untrusted-title = The server’s certificate is not trusted
cert-changed-title = The server’s certificate has changed
cert-reason = Why
cert-subject = Issued to
cert-issuer = Issued by
cert-valid = Valid
cert-fingerprint = SHA-256
cert-explain = Compare the fingerprint with the one your server administrator gave you. Trusting it pins exactly this certificate, for this account only.
cert-trust = Trust this certificate for this account
cert-why-unknown-issuer = no certificate authority you trust vouches for it
cert-why-expired = it has expired
cert-why-not-yet-valid = it is not valid yet (or this computer’s clock is wrong)
cert-why-wrong-name = it is made out for another server name
cert-why-pin-mismatch = the server’s certificate changed: it is not the pinned one (a renewed certificate, or someone in between)
cert-why-ca-used-as-end-entity = it is a certificate authority’s certificate, not a server certificate
cert-why-revoked = it has been revoked
cert-why-bad-signature = its signature is not valid
cert-why-wrong-purpose = it is not meant for servers
cert-why-invalid = it is malformed or could not be checked

## Server info
info-software = Server software
info-tls = TLS
info-certificate = Certificate
info-stream-management = Stream management
info-sm-on = on, { $resumptions } resumptions
info-sm-off = off
info-rtt = Round trip
info-features = Features

## XML console
console-title = XML console — { $account }
console-filter = Filter
console-clear = Clear
console-raw-placeholder = <iq type='get' to='example.org' id='1'><ping xmlns='urn:xmpp:ping'/></iq>

## Desktop notifications
notify-new-message = New message
notify-open = Open
notify-file-offer = Offers a file: { $name } ({ $size })
notify-file-offer-stranger = Offers a file: { $name } ({ $size }). Not in your contacts.

## Conversation signals
chat-new-messages = New messages
chat-read-up-to-here = Read up to here
chat-mute = Mute
chat-unmute = Unmute
message-edited = edited
message-edited-original = Original: { $original }
message-retracted = This message was retracted.
message-moderated = Removed by { $by }.
message-moderated-reason = Removed by { $by }: { $reason }
message-quote-missing = (message not available)
action-reply = Reply
action-edit = Edit
action-retract = Retract
action-moderate = Remove for everyone
composer-editing = Editing your message — Esc cancels
composer-replying = Replying to: { $text }
composer-cancel = Cancel
settings-send-read-markers = Tell contacts when I have read their messages (read markers)
settings-notifications = Desktop notifications for new messages
settings-notification-text = Show sender and text in notifications

## Contacts, presence and profiles

sidebar-filter-placeholder = Search contacts and chats
sidebar-hide-offline = Hide offline
sidebar-no-match = Nothing matches
sidebar-last-file = File: { $name }
add-contact-button = + Contact
presence-all-button = Status for all accounts
subscription-request = { $contact } wants to see your status
subscription-accept = Accept
subscription-deny = Deny
add-contact-title = Add a contact
add-contact-account = Account
add-contact-jid = Address
add-contact-name = Name
add-contact-name-placeholder = As you want to see it (optional)
contact-groups = Groups
contact-groups-placeholder = Separated by commas (optional)
add-contact-preapprove = Let them see my status without asking
add-contact-explain = They are asked whether you may see their status; until they answer they show as offline.
add-contact-submit = Add
add-contact-invalid-jid = Enter an address like name@example.org.
details-button = Details
details-button-tooltip = Contact details
details-message = Message
details-edit = Name and groups
details-block = Block
details-unblock = Unblock
details-remove = Remove contact
details-remove-confirm = Remove { $contact } from your contacts? You stop seeing each other's status; the chat history stays.
details-nick = Nickname
details-subscription = Status sharing
details-device = Device “{ $resource }”
details-client-unknown = unknown app
details-encryption = Encryption
details-encryption-none = Not end-to-end encrypted: this contact has no device with OMEMO
details-encryption-untrusted = Not end-to-end encrypted yet: none of this contact's devices is trusted (see below)
details-encryption-omemo = { $count ->
    [one] Can be end-to-end encrypted (OMEMO): one trusted device
   *[other] Can be end-to-end encrypted (OMEMO): { $count } trusted devices
}
details-loading = Asking the server for details…
subscription-both = You see each other's status
subscription-to = You see their status; they do not see yours
subscription-from = They see your status; you do not see theirs
subscription-none = No status sharing
subscription-not-in-roster = Not in your contacts
last-seen-minutes = last seen { $minutes ->
    [one] a minute ago
   *[other] { $minutes } minutes ago
}
last-seen-hours = last seen { $hours ->
    [one] an hour ago
   *[other] { $hours } hours ago
}
last-seen-date = last seen { $date }
last-seen-now = last seen just now
vcard-full-name = Full name
vcard-organization = Organisation
vcard-title = Position
vcard-email = E-mail
vcard-phone = Phone
vcard-url = Web
vcard-note = Note
profile-title = Your profile on { $account }
profile-explain = Your contacts see this. The server shares it with the people who see your status.
profile-avatar = Picture
profile-avatar-placeholder = Path of an image file, or drop one on the window
profile-avatar-set = Set picture
profile-avatar-remove = Remove picture
profile-avatar-sending = Sending the picture…
profile-nick = Nickname
profile-lists-hint = Several e-mail addresses, phone numbers or web addresses: separate them by commas.
profile-saving = Saving…
profile-saved = Profile saved.
settings-edit-profile = Edit profile
presence-title = Your status
presence-all-title = Your status on all accounts
presence-status-placeholder = Status message (optional)
presence-away-after = Away after
presence-minutes = minutes
presence-away-hint = without using Plausch (0 = never)
presence-away-invalid = Enter the minutes as a number from 0 to 1440.
presence-apply = Set
settings-blocklist = Blocked
settings-blocklist-empty = Nobody is blocked.
settings-blocklist-explain = Nothing from blocked addresses reaches you, and they do not see your status.
settings-block-placeholder = Address or domain to block
settings-block = Block
settings-unblock = Unblock

## Files
decimal-separator = .
file-attach = File…
file-attach-tooltip = Send a file (or drop one on the window)
file-pick-title = Send a file
file-plain-http = plain HTTP
file-queued = Waiting…
file-uploading = Uploading
file-downloading = Downloading
file-progress = { $done } of { $total } ({ $percent } %)
file-retrying = { $status } (will try again: { $reason })
file-cancel = Cancel
file-download = Download
file-retry-download = Download again
file-open = Open
file-show-in-folder = Show in folder
file-failed = The transfer failed.
file-failed-reason = The transfer failed: { $reason }
file-cancelled = The transfer was cancelled.
file-cancelled-reason = The transfer was cancelled: { $reason }
# A file offered for direct transfer (Jingle): from the contact's client, not through the server.
file-accept = Accept
file-decline = Decline
file-offer-from = Sent directly from { $contact }'s device
file-offer-stranger = Not in your contacts
file-offer-waiting = Waiting for { $contact } to accept
# How a direct transfer goes: peer to peer (SOCKS5), or in-band through the server (IBB).
file-direct = direct
file-via-server = via server
file-too-large = { $account }: { $name } is { $size }; the server accepts files up to { $max }.
file-bad-name = { $path } cannot be sent: its name is not valid Unicode.
file-not-sent = { $name } was not sent: the account is not running.
file-open-failed = { $path } could not be opened: { $reason }
paste-file-name = Pasted image { $time }
paste-confirm = Send the pasted picture? { $name } ({ $width } × { $height }, { $size })
paste-send = Send
paste-discard = Discard
paste-unreadable = The clipboard could not be read: { $reason }
paste-too-large = The pasted picture has { $width } × { $height } pixels; at most { $max } megapixels can be sent.
paste-damaged = The clipboard's picture is damaged: { $reason }
paste-not-saved = The pasted picture could not be saved to { $path }: { $reason }
settings-files = Files
settings-auto-download = Download images and small files from contacts automatically
settings-auto-download-max = Other files up to (MiB)
settings-download-dir = Folder for received files
settings-download-dir-placeholder = Empty: the account's own folder in the profile
settings-direct-first = Send files directly to the contact's device first
settings-direct-first-help = Otherwise files go through your server's upload service and directly only when it cannot take them.
error-invalid-size = The size must be a whole number of MiB.
error-invalid-keep-days = Keep messages for a whole number of days (0: for ever).

## Group chats
join-room-button = + Group
join-room-button-tooltip = Join or create a group
join-room-title = Join or create a group
join-room-address = Group address
join-room-address-placeholder = team@conference.example.org
join-room-nick = Your nickname in the group
join-room-create = Create a new members-only group
join-room-name = Name of the group
join-room-name-placeholder = e.g. Works council
join-room-members = Members
join-room-members-placeholder = Addresses of the members, one per line
join-room-create-explain = Only the members can enter the group; everyone in it sees the others' addresses. You can add and remove members later.
join-room-submit = Join
join-room-create-submit = Create
join-room-invalid-address = Enter the group's address, like team@conference.example.org.
join-room-invalid-member = “{ $jid }” is not an address like name@example.org.
room-people =
    { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
room-menu = Group ▾
room-reconnecting = Reconnecting to the group…
room-not-joined = You are not in this group.
room-composer-not-joined = You are not in this group: messages cannot be sent.
room-rejoin = Rejoin
room-notify = Notify:
room-notify-all = All messages
room-notify-mentions = Mentions of me
room-notify-none = Never
room-invite = Invite…
room-invite-placeholder = Address of the person to invite
room-invite-send = Invite
room-members = Members…
room-members-explain = Everyone who may join the group: owners, admins and members, also those not in it now. Add a member by address; removing a member also takes them out of the group.
room-member-placeholder = Address of the new member
room-member-add = Add member
room-member-remove = Remove
room-subject-edit = Subject…
room-subject-placeholder = What the group is about right now
room-subject-save = Set subject
room-leave = Leave
room-destroy = Close group…
room-destroy-question = Close this group for everyone? Everyone is taken out of it and it cannot be entered again.
room-destroy-confirm = Close the group
room-role-moderators = Moderators
room-role-participants = Participants
room-role-visitors = Visitors (cannot write)
room-affiliation-owner = owner
room-affiliation-admin = admin
room-affiliation-member = member
room-affiliation-outcast = banned
room-kick = Kick out
room-private-message = Private message
room-ban = Ban
room-typing-one = { $nick } is typing…
room-typing-two = { $first } and { $second } are typing…
room-typing-many = { $count } people are typing…
room-invitation = { $from } invites you to the group { $room }.
room-invitation-join = Join
room-not-running = The account is not running: the request was not sent.
room-left-kicked = You were removed from the group { $room }. You can join again.
room-left-banned = You were banned from the group { $room }.
room-left-removed = You are no longer a member of the group { $room }.
room-left-members-only = The group { $room } is now for members only, and you are not one.
room-left-shutdown = The group service of { $room } shut down.
room-left-destroyed = The group { $room } was closed.
room-left-actor = By { $actor }.
room-left-reason = Reason: { $reason }
muc-error-not-member = You are not a member of the group { $room }.
muc-error-conflict = { $room }: the name is taken — your nickname is used by someone else in the group, or a group with this address exists already.
muc-error-forbidden = { $room }: you are not allowed to do this (you may be banned from the group).
muc-error-not-allowed = { $room }: the group does not allow this.
muc-error-password = { $room }: the group needs a password.
muc-error-not-found = The group { $room } does not exist.
muc-error-unavailable = { $room }: the group cannot be entered right now (it may be full).
muc-error-not-in-room = { $room }: you are not in this group.
muc-error-unsupported = { $room }: the group does not support this.
muc-error-other = { $room }: the request failed ({ $condition }).
notify-room-title = { $nick } in { $room }

## Problems the core reports (error events, by code; README "Headless protocol")
problem-not-connected = The account is not connected, so this did not happen.
problem-store-failed = The message store could not be read or written.
problem-invalid-address = The address is not valid.
problem-own-address = That is this account's own address.
problem-empty-message = The message is empty.
problem-empty-password = The new password is empty.
problem-unknown-message = The message was not found.
problem-message-unchangeable = The message cannot be changed.
problem-not-in-room = You are not in the group.
problem-file-unreadable = The file cannot be read.
problem-file-unavailable = The file is not available (yet).
problem-unknown-transfer = The file transfer was not found.
problem-transfer-failed = The file transfer could not be started.
problem-export-failed = The export could not be written.
problem-backup-failed = The backup could not be written.
problem-still-busy = The previous change is still being saved; try again in a moment.
problem-server-timeout = The server did not answer in time; the change may not have been saved.
problem-profile-not-saved = The server did not save the profile.
problem-avatar-unusable = The picture cannot be used as avatar.
problem-bad-server-answer = The server's answer could not be read.
problem-invalid-stanza = The XML is not a valid stanza; nothing was sent.
problem-account-failed = The account stopped working.
problem-unknown-account = There is no such account.
problem-invalid-command = The command is not valid.
problem-input-unreadable = The input cannot be read.
problem-config-failed = The configuration could not be read or saved.
problem-duplicate-account = An account with this name exists already.
problem-password-unavailable = The password is not available.
problem-registration-failed = The account could not be created on the server.
problem-data-dir-failed = The data folder cannot be used.
problem-omemo = The encryption request could not be carried out.
problem-encryption-required = This account sends messages only end-to-end encrypted.
problem-encryption-unavailable = End-to-end encryption is not possible here: the group is not members-only and non-anonymous.

## Requests the server refused (error events with a code), and why (XMPP conditions)
refused-roster-request = The contact list could not be read: { $why }.
refused-roster-change = The server refused the change: { $why }.
refused-avatar = The picture was not changed: { $why }.
refused-password-change = The server did not change the password: { $why }.
xmpp-bad-request = the request was not understood
xmpp-conflict = it conflicts with something that exists already
xmpp-feature-not-implemented = this is not supported there
xmpp-forbidden = this is forbidden
xmpp-gone = the address is no longer in use
xmpp-internal-server-error = the server had an internal error
xmpp-item-not-found = it was not found
xmpp-jid-malformed = the address is not valid
xmpp-not-acceptable = the request was not acceptable
xmpp-not-allowed = this is not allowed
xmpp-not-authorized = not authorised
xmpp-policy-violation = it breaks the server's rules
xmpp-recipient-unavailable = the recipient is not available
xmpp-redirect = the address has moved
xmpp-registration-required = registration is required
xmpp-remote-server-not-found = the other server cannot be reached
xmpp-remote-server-timeout = the other server did not answer in time
xmpp-resource-constraint = the server is too busy
xmpp-service-unavailable = the service is not available
xmpp-subscription-required = a presence subscription is required
xmpp-unexpected-request = the request came at the wrong time
xmpp-undefined-condition = the request failed

## OMEMO devices and trust (account settings, contact details, conversation banner)
omemo-settings-title = Encryption (OMEMO)
omemo-settings-switch = Use OMEMO end-to-end encryption on this account
omemo-settings-require = Send 1:1 messages only end-to-end encrypted (never in plain text)
omemo-this-device = This device
omemo-this-device-pending = Set up when the account is online next.
omemo-off = OMEMO is switched off for this account.
omemo-other-devices = Other devices of this account
omemo-no-other-devices = No other device of this account uses OMEMO.
omemo-remove-hint = Remove a device you no longer use: it then stops receiving your encrypted messages. A device that is still in use adds itself again.
omemo-device-id = Device { $id }
omemo-device-active = in use
omemo-device-inactive = not in use
omemo-device-last-used = last message { $date }
omemo-device-remove = Remove
omemo-device-reset = Reset session
omemo-device-stale = No message from this device for over 90 days: not encrypted to while other devices are in use. It counts again once it writes.
omemo-problem-no-bundle = Cannot be reached: the device has published no keys.
omemo-problem-bundle-invalid = Cannot be reached: the keys the device published are not usable.
omemo-problem-session-broken = Its messages cannot be decrypted: the encrypted session is broken. “Reset session” starts a new one.
omemo-version-legacy = OMEMO
omemo-version-2 = OMEMO 2
omemo-key-unknown = Key not known yet (it arrives with the first encrypted message)
omemo-contact-devices = Encryption devices
omemo-devices-loading = Looking for devices…
omemo-no-devices = This contact has no device with OMEMO encryption.
omemo-undecided-hint = A new device appeared after you verified this contact. Messages are not encrypted to it until you decide.
omemo-uri-label = Verify with a fingerprint link (xmpp:… from the contact's QR code)
omemo-verify-uri = Verify
omemo-verified-count =
    { $count ->
        [0] No device was verified.
        [one] One device verified.
       *[other] { $count } devices verified.
    }
omemo-mismatch-count =
    { $count ->
        [one] One fingerprint does NOT match the device's key – check with the contact.
       *[other] { $count } fingerprints do NOT match the devices' keys – check with the contact.
    }
omemo-unknown-count =
    { $count ->
        [one] One device is not known yet.
       *[other] { $count } devices are not known yet.
    }
omemo-banner = { $contact } has a new device you have not decided about. Messages are not encrypted to it until you do.
omemo-banner-show = Show devices
trust-verified = Verified
trust-blind = Trusted, not verified
trust-undecided = New – not decided
trust-untrusted = Distrusted
trust-action-verify = Verify
trust-action-blind = Trust without verifying
trust-action-distrust = Distrust

## End-to-end encryption of messages (OMEMO)
composer-encrypted = Encrypted
composer-encrypted-tooltip = What you write here is end-to-end encrypted: only this contact's and your own trusted devices can read it. Click to switch encryption off for this chat.
composer-unencrypted = Not encrypted
composer-unencrypted-tooltip = What you write here is not end-to-end encrypted: the servers on the way can read it. Click to encrypt this chat.
composer-group-encrypted-tooltip = What you write here is end-to-end encrypted for every member's trusted devices and your own. Click to switch encryption off for this group.
composer-group-unencrypted-tooltip = What you write here is not end-to-end encrypted: the servers on the way can read it. Click to encrypt this group for its members.
composer-group-open-tooltip = This group cannot be end-to-end encrypted: it is open to anyone or hides its members' addresses, so nobody can tell whose keys to use. Only members-only groups that show addresses (as the groups you create here) can be.
composer-group-unreachable = These members cannot read encrypted messages here (no trusted device with OMEMO): { $names }
message-encrypted = encrypted
message-unencrypted = not encrypted
encryption-none = Not end-to-end encrypted
encryption-omemo = End-to-end encrypted (OMEMO)
encryption-omemo2 = End-to-end encrypted (OMEMO 2)
message-undecryptable = This encrypted message could not be decrypted: { $reason }
decryption-not-for-this-device = it was not encrypted for this device.
decryption-no-session = there is no encrypted session with the sender's device.
decryption-duplicate = it was received before (a repeated message).
decryption-broken = it is damaged or not genuine.
decryption-disabled = encryption is switched off for this account.
decryption-unknown-sender = the group did not reveal who wrote it, so their keys are unknown.

## Search (Ctrl+F in a conversation, Ctrl+Shift+F everywhere)
search-title-all = Search all conversations
search-title-conversation = Search in { $name }
search-widen = Everywhere
search-placeholder = Words, from:, with:, before:, after:
search-hint = Words match how words begin. Filters: from: (a contact or nick), with: or in: (a conversation), before: and after: (a date, YYYY-MM-DD). Ctrl+Shift+F searches everywhere.
search-searching = Searching…
search-none = No messages found.
search-count = { $count ->
    [one] One message
   *[other] { $count } messages
}
search-you = You
chat-jump-newest = ↓ Newest messages

## The history under your control: export, delete, retention, backup, restore
app-menu-tooltip = Back up, export, restore
app-menu-backup = Back up…
app-menu-export-all = Export everything…
app-menu-restore = Restore from a backup…
welcome-restore = Restore from a backup…
action-delete-here = Delete here
action-delete-here-question = Delete this message on this computer? The copy in your server’s archive stays.
history-export-button = Export conversation…
history-delete-button = Delete history…
export-choose-title = Where should the export go?
export-format = Format
export-format-text = Plain text
export-format-text-help = One line per message with date, time and name; easy to read and to search.
export-format-jsonl = JSON Lines
export-format-jsonl-help = Every detail of each message, one per line, for other programs.
export-format-html = Web page (HTML)
export-format-html-help = Looks like the conversation; opens in any browser.
export-title-conversation = Export the conversation with { $name }
export-title-account = Export every conversation of { $account }
export-title-all = Export every account
export-explain-file = Choose a format, then where to save the file.
export-explain-folder = Choose a format, then a folder: each account is written into its own file there, named after the account.
export-choose-file = Choose file…
export-choose-folder = Choose folder…
export-readable = The file holds the messages in readable form, also those that were end-to-end encrypted. Keep it safe.
export-not-running = Not exported, because they are switched off: { $accounts }. Switch them on in their settings to export them.
export-done = { $account }: { $count ->
    [one] one message
   *[other] { $count } messages
} exported to { $path } ({ $size }).
delete-history-title = Delete the history with { $name }?
delete-history-what = Its messages, their search entries and the files received in it are deleted from this computer. This cannot be undone.
delete-history-server = The copy in your server’s archive stays: XMPP has no way to delete it there (XEP-0313).
delete-history-stays = The conversation stays in the list. Files you sent stay where they are.
delete-history-confirm = Delete history
history-not-running = The history cannot be deleted while the account is switched off.
history-deleted = { $account }: the history with { $name } was deleted here ({ $count ->
    [one] one message
   *[other] { $count } messages
}). Your server’s archive keeps its copy.
history-retention-deleted = { $account }: { $count ->
    [one] one message older than { $days } days was
   *[other] { $count } messages older than { $days } days were
} deleted here, as set in the account settings.
backup-title = Back up
backup-explain = One file with your settings and every account’s messages, encryption keys, trust decisions and pictures. Passwords are never in it. You can go on chatting while it is written.
backup-include-files = Include received files (can make the backup large)
backup-choose = Choose file…
backup-writing = Writing the backup…
backup-file-type = Plausch backup
backup-failed = The backup could not be written: { $reason }
backup-done = Backup written to { $path } ({ $size }).
backup-done-passwords = Passwords are not in a backup: after restoring it, enter the password again for { $accounts }.
restore-title = Restore from a backup
restore-explain = Choose a backup file made by Plausch (“Back up…” in the ⋯ menu). Your accounts, their messages, settings and encryption keys come back as they were when it was made.
restore-replace-warning = { $count ->
    [one] This replaces the account on this computer, with its messages and settings, by what is in the backup.
   *[other] This replaces the { $count } accounts on this computer, with their messages and settings, by what is in the backup.
}
restore-replace = Yes, replace them
restore-choose = Choose backup…
restore-busy = Restoring…
restore-confirm-first = Confirm first that the accounts on this computer are to be replaced.
restore-error-damaged = This file is not a Plausch backup, or it is damaged. Nothing was changed.
restore-error-newer = This backup was made by a newer version of Plausch. Update Plausch, then restore it. Nothing was changed.
restore-error-read = The backup could not be read ({ $reason }). Nothing was changed.
restore-error-write = The profile folder { $path } could not be written ({ $reason }). Nothing was changed.
restore-error-other = The backup was not restored: { $reason }
restore-done = Restored from { $path }: { $count ->
    [one] one account
   *[other] { $count } accounts
}.
restore-done-passwords = Passwords are not in a backup: if this computer does not have them yet, enter them again for { $accounts } (account settings ⚙, Password, “Store here”).
settings-history = History
settings-keep-days = Keep messages for (days)
settings-keep-days-help = 0 keeps them for ever. Older messages and the files received with them are deleted on this computer: at once when you save a shorter time, then daily. Your server’s archive keeps its copy.
settings-export = Export this account…
settings-store-password = Store here
settings-store-password-tooltip = Keep this password in this computer’s keyring for the account (e.g. after restoring a backup). It does not change the password on the server.
settings-password-stored = The password is stored on this computer.
