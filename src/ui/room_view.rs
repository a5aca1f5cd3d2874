//! The open group chat: header with name, subject and occupant count, the
//! room menu and its forms, the occupant list grouped by role; and the
//! invitation prompt above the conversation.

use iced::widget::{button, column, container, row, rule, scrollable, space, text, text_input};
use iced::{Alignment, Color, Element, Length, font};

use super::conversation;
use super::conversation::State as Chat;
use super::model::LiveAccount;
use super::room_actions::{Panel, RoomMessage};
use super::rooms::{Invitation, Room};
use super::sidebar::BOLD;
use super::{Message, format, ids, style};
use crate::api::{Affiliation, NotifyMode, Occupant, Role};
use crate::fl;

/// Width of the occupant list.
const OCCUPANTS_WIDTH: f32 = 210.0;

fn room_message(m: RoomMessage) -> Message {
    Message::Room(m)
}

/// A group's picture: initials on a rounded square in the room's colour.
pub fn room_picture<'a, M: 'a>(
    jid: &str,
    name: &str,
    size: f32,
    image: Option<&iced::widget::image::Handle>,
) -> Element<'a, M> {
    // The room's avatar (XEP-0486) where it has one, with the same
    // rounded corners as the initials.
    if let Some(handle) = image {
        return iced::widget::image(handle.clone())
            .width(size)
            .height(size)
            .border_radius(size * 0.25)
            .into();
    }
    let [r, g, b] = crate::consistent_color::rgb(jid);
    container(
        text(super::avatar::initials(name))
            .size(size * 0.42)
            .font(BOLD)
            .color(Color::WHITE),
    )
    .center(size)
    .style(style::room_picture(Color::from_rgb(r, g, b)))
    .into()
}

/// An occupant's nick in their consistent colour.
pub fn nick_color(nick: &str) -> Color {
    let [r, g, b] = crate::consistent_color::rgb(nick);
    Color::from_rgb(r, g, b)
}

/// "Anna invites you to Team: reason  [Join] [Dismiss]".
pub fn invitation<'a>(account: &str, i: &'a Invitation) -> Element<'a, Message> {
    let room = format::display_name(&i.room, None);
    let mut words = fl!("room-invitation", from = i.from.clone(), room = room);
    if let Some(reason) = i.reason.as_ref().filter(|r| !r.trim().is_empty()) {
        words = format!("{words} “{}”", reason.trim());
    }
    let answer = |join: bool| {
        let (label, msg) = if join {
            (
                fl!("room-invitation-join"),
                RoomMessage::JoinInvitation(account.to_owned(), i.room.clone()),
            )
        } else {
            (
                fl!("banner-dismiss"),
                RoomMessage::DismissInvitation(account.to_owned(), i.room.clone()),
            )
        };
        container(
            button(text(label).size(12))
                .padding([3, 10])
                .style(if join { button::primary } else { button::text })
                .on_press(room_message(msg)),
        )
        .id(ids::room::invitation(account, &i.room, join))
    };
    let inner = container(
        row![
            text(words)
                .size(13)
                .width(Length::Fill)
                .wrapping(text::Wrapping::WordOrGlyph),
            answer(true),
            answer(false),
        ]
        .spacing(10)
        .align_y(Alignment::Center),
    )
    .padding([6, 14])
    .width(Length::Fill)
    .style(container::rounded_box);
    container(inner).padding([8, 16]).into()
}

/// The right pane for a room.
pub fn view<'a>(
    account: &'a LiveAccount,
    chat: &'a Chat,
    avatars: &'a super::avatar::Cache,
    pasted: Option<&'a super::paste::Pasted>,
) -> Element<'a, Message> {
    // Before the account says anything about the room.
    static UNKNOWN: std::sync::LazyLock<Room> = std::sync::LazyLock::new(Room::default);
    let room = account.rooms.get(&chat.with).unwrap_or(&UNKNOWN);
    let pane = &chat.room;
    let picture = avatars.get(account.avatar_of(&chat.with));
    let mut page = column![header(account, chat, room, picture), rule::horizontal(1)];
    if pane.menu {
        page = page.push(menu(chat, room)).push(rule::horizontal(1));
    }
    let list = conversation::messages(chat, Some(account), avatars, Some(room));
    let middle: Element<'_, Message> = if pane.occupants && room.joined {
        row![
            list,
            rule::vertical(1),
            occupants(room, pane.selected.as_deref())
        ]
        .into()
    } else {
        list
    };
    // Who is typing, under the messages (the header keeps the subject).
    let typing = super::rooms::typing_text(&room.typing_nicks()).map(|t| {
        container(text(t).size(12).style(style::tone(format::Tone::Good))).padding([3, 20])
    });
    page.push(container(middle).height(Length::Fill))
        .push(typing)
        .push(rule::horizontal(1))
        .push(pasted.map(super::paste::bar))
        .push(conversation::composer(
            chat,
            account.connection.is_online(),
            Some(room),
        ))
        .height(Length::Fill)
        .into()
}

fn small_button<'a>(label: String, msg: RoomMessage, primary: bool) -> button::Button<'a, Message> {
    button(text(label).size(12))
        .padding([4, 10])
        .style(if primary {
            button::primary
        } else {
            button::secondary
        })
        .on_press(room_message(msg))
}

fn header<'a>(
    account: &'a LiveAccount,
    chat: &'a Chat,
    room: &'a Room,
    picture: Option<&iced::widget::image::Handle>,
) -> Element<'a, Message> {
    let name = super::rooms::room_name(&chat.with, Some(room));
    let color = format::account_color(account.config.color.as_deref(), &account.config.id);
    let subtitle: Element<'_, Message> = if room.reconnecting {
        text(fl!("room-reconnecting"))
            .size(12)
            .style(style::tone(format::Tone::Busy))
            .into()
    } else if !room.joined && room.gone.is_some() {
        text(fl!("room-not-joined"))
            .size(12)
            .style(style::tone(format::Tone::Bad))
            .into()
    } else {
        let subject = room
            .subject
            .as_deref()
            .map(|s| format::first_line(s, 90))
            .unwrap_or_else(|| chat.with.clone());
        text(subject)
            .size(12)
            .style(style::muted)
            .wrapping(text::Wrapping::None)
            .into()
    };
    let count = room.occupants.len();
    let people = container(
        button(text(fl!("room-people", count = count)).size(12))
            .padding([4, 10])
            .style(if chat.room.occupants {
                button::primary
            } else {
                button::secondary
            })
            .on_press_maybe(
                room.joined
                    .then_some(room_message(RoomMessage::ToggleOccupants)),
            ),
    )
    .id(ids::room::OCCUPANTS);
    let menu = container(
        button(text(fl!("room-menu")).size(12))
            .padding([4, 10])
            .style(if chat.room.menu {
                button::primary
            } else {
                button::secondary
            })
            .on_press(room_message(RoomMessage::ToggleMenu)),
    )
    .id(ids::room::MENU);
    container(
        row![
            room_picture(&chat.with, &name, 36.0, picture),
            container(column![text(name.clone()).size(17).font(BOLD), subtitle].spacing(1))
                .width(Length::Fill)
                .clip(true),
            row![
                container(space())
                    .width(8)
                    .height(8)
                    .style(style::dot(color)),
                text(fl!("chat-via-account", account = account.label()))
                    .size(12)
                    .style(style::muted),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
            people,
            menu,
        ]
        .spacing(12)
        .align_y(Alignment::Center),
    )
    .padding([12, 20])
    .width(Length::Fill)
    .style(style::header)
    .into()
}

/// The room menu: notifications, invite, members, subject, leave, destroy;
/// and the form that is open.
fn menu<'a>(chat: &'a Chat, room: &'a Room) -> Element<'a, Message> {
    let pane = &chat.room;
    let item = |label: String, panel: Panel, id: &'static str| {
        container(small_button(
            label,
            RoomMessage::Open(panel),
            pane.panel == Some(panel),
        ))
        .id(id)
    };
    let mut modes = row![text(fl!("room-notify")).size(12).style(style::muted)]
        .spacing(4)
        .align_y(Alignment::Center);
    for (mode, label) in [
        (NotifyMode::All, fl!("room-notify-all")),
        (NotifyMode::Mentions, fl!("room-notify-mentions")),
        (NotifyMode::None, fl!("room-notify-none")),
    ] {
        modes = modes.push(
            container(small_button(
                label,
                RoomMessage::Notify(mode),
                room.notify == mode,
            ))
            .id(ids::room::notify(mode)),
        );
    }
    let mut actions = row![].spacing(6).align_y(Alignment::Center);
    if room.joined {
        actions = actions.push(item(fl!("room-invite"), Panel::Invite, ids::room::INVITE));
    }
    if room.may_manage_members() {
        actions = actions.push(item(
            fl!("room-members"),
            Panel::Members,
            ids::room::MEMBERS,
        ));
    }
    if room.may_set_subject() {
        actions = actions.push(item(
            fl!("room-subject-edit"),
            Panel::Subject,
            ids::room::SUBJECT_EDIT,
        ));
    }
    if room.joined {
        actions = actions.push(
            container(small_button(fl!("room-leave"), RoomMessage::Leave, false))
                .id(ids::room::LEAVE),
        );
    }
    if room.may_destroy() {
        actions = actions.push(item(
            fl!("room-destroy"),
            Panel::Destroy,
            ids::room::DESTROY,
        ));
    }
    // The room's history here: export it, delete it.
    let export = super::history::Scope::Conversation {
        account: chat.account.clone(),
        with: chat.with.clone(),
        name: super::rooms::room_name(&chat.with, Some(room)),
    };
    let history = |label: String, message: Message, id: &'static str| {
        container(
            button(text(label).size(12))
                .padding([4, 10])
                .style(button::secondary)
                .on_press(message),
        )
        .id(id)
    };
    actions = actions
        .push(history(
            fl!("history-export-button"),
            Message::ShowExport(export),
            ids::room::EXPORT,
        ))
        .push(history(
            fl!("history-delete-button"),
            Message::ShowDeleteHistory(chat.account.clone(), chat.with.clone()),
            ids::room::DELETE_HISTORY,
        ));
    let mut content = column![
        // One line where it fits (a Fill space would always wrap).
        row![modes, actions.wrap().vertical_spacing(8)]
            .spacing(24)
            .align_y(Alignment::Center)
            .wrap()
            .vertical_spacing(8)
    ]
    .spacing(10);
    if let Some(panel) = pane.panel {
        content = content.push(form(pane, panel, room));
    }
    if let Some(e) = &pane.error {
        content = content.push(super::form::error_box(e));
    }
    container(content)
        .padding([10, 20])
        .width(Length::Fill)
        .style(style::room_menu)
        .into()
}

/// A one-line form: a field and its button.
fn field_with_button<'a>(
    placeholder: String,
    value: &'a str,
    id: &'static str,
    on: fn(String) -> RoomMessage,
    submit: RoomMessage,
    label: String,
    button_id: &'static str,
) -> Element<'a, Message> {
    row![
        text_input(&placeholder, value)
            .id(id)
            .on_input(move |v| room_message(on(v)))
            .on_submit(room_message(submit.clone()))
            .padding([5, 8])
            .size(13),
        container(small_button(label, submit, true)).id(button_id),
    ]
    .spacing(8)
    .align_y(Alignment::Center)
    .into()
}

fn form<'a>(
    pane: &'a super::room_actions::RoomTools,
    panel: Panel,
    room: &'a Room,
) -> Element<'a, Message> {
    match panel {
        Panel::Invite => field_with_button(
            fl!("room-invite-placeholder"),
            &pane.invite,
            ids::room::INVITE_JID,
            RoomMessage::InviteJid,
            RoomMessage::SendInvite,
            fl!("room-invite-send"),
            ids::room::INVITE_SEND,
        ),
        Panel::Subject => field_with_button(
            fl!("room-subject-placeholder"),
            &pane.subject,
            ids::room::SUBJECT,
            RoomMessage::SubjectText,
            RoomMessage::SaveSubject,
            fl!("room-subject-save"),
            ids::room::SUBJECT_SAVE,
        ),
        Panel::Destroy => row![
            text(fl!("room-destroy-question"))
                .size(13)
                .width(Length::Fill),
            container(
                button(text(fl!("room-destroy-confirm")).size(12))
                    .padding([4, 10])
                    .style(button::danger)
                    .on_press(room_message(RoomMessage::ConfirmDestroy))
            )
            .id(ids::room::DESTROY_CONFIRM),
        ]
        .spacing(8)
        .align_y(Alignment::Center)
        .into(),
        Panel::Members => members(pane, room),
    }
}

/// The room's owners, admins and members (present or not; until the
/// room's list has come, those present), with Remove for members; a field
/// to add a member.
fn members<'a>(pane: &'a super::room_actions::RoomTools, room: &'a Room) -> Element<'a, Message> {
    let mut list = column![].spacing(4).padding([0, 12]);
    for (nick, jid, affiliation) in room.member_rows() {
        let name = match &nick {
            Some(n) => text(n.clone()).size(13).style(style::nick(nick_color(n))),
            None => text(jid.clone()).size(13),
        };
        let mut line = row![
            name,
            text(if nick.is_some() {
                jid.clone()
            } else {
                String::new()
            })
            .size(12)
            .style(style::muted),
            text(affiliation_text(affiliation)).size(12),
            space::horizontal(),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        if affiliation == Affiliation::Member {
            line = line.push(
                container(small_button(
                    fl!("room-member-remove"),
                    RoomMessage::RemoveMember(jid.clone()),
                    false,
                ))
                .id(ids::room::remove_member(&jid)),
            );
        }
        list = list.push(line);
    }
    column![
        text(fl!("room-members-explain"))
            .size(12)
            .style(style::muted),
        // Long lists scroll; the field stays in view.
        container(scrollable(list)).max_height(180),
        field_with_button(
            fl!("room-member-placeholder"),
            &pane.member,
            ids::room::MEMBER_JID,
            RoomMessage::MemberJid,
            RoomMessage::AddMember,
            fl!("room-member-add"),
            ids::room::MEMBER_ADD,
        ),
    ]
    .spacing(4)
    .into()
}

fn affiliation_text(a: Affiliation) -> String {
    match a {
        Affiliation::Owner => fl!("room-affiliation-owner"),
        Affiliation::Admin => fl!("room-affiliation-admin"),
        Affiliation::Member => fl!("room-affiliation-member"),
        Affiliation::Outcast => fl!("room-affiliation-outcast"),
        Affiliation::None => String::new(),
    }
}

/// The occupants grouped by role; a selected one shows Kick and Ban where
/// we may.
fn occupants<'a>(room: &'a Room, selected: Option<&str>) -> Element<'a, Message> {
    let mut list = column![].spacing(2).padding([12, 10]);
    for (role, title) in [
        (Role::Moderator, fl!("room-role-moderators")),
        (Role::Participant, fl!("room-role-participants")),
        (Role::Visitor, fl!("room-role-visitors")),
    ] {
        let people = room.with_role(role);
        if people.is_empty() {
            continue;
        }
        list = list.push(
            container(
                text(format!("{title} · {}", people.len()))
                    .size(11)
                    .font(BOLD)
                    .style(style::muted),
            )
            .padding([6, 4]),
        );
        for o in people {
            list = list.push(occupant_row(room, o, selected == Some(o.nick.as_str())));
        }
    }
    container(scrollable(list).height(Length::Fill))
        .width(OCCUPANTS_WIDTH)
        .height(Length::Fill)
        .style(style::occupant_panel)
        .into()
}

fn occupant_row<'a>(room: &'a Room, o: &'a Occupant, selected: bool) -> Element<'a, Message> {
    let own = room.nick.as_ref() == Some(&o.nick);
    let mut name = text(o.nick.clone())
        .size(13)
        .style(style::nick(nick_color(&o.nick)))
        .wrapping(text::Wrapping::None);
    if own {
        name = name.font(iced::Font {
            style: font::Style::Italic,
            ..iced::Font::DEFAULT
        });
    }
    let mut line = row![
        container(space())
            .width(7)
            .height(7)
            .style(style::dot(format::presence_color(o.presence))),
        container(name).width(Length::Fill).clip(true),
    ]
    .spacing(7)
    .align_y(Alignment::Center);
    let mark = affiliation_text(o.affiliation);
    if !mark.is_empty() && o.affiliation != Affiliation::Member {
        line = line.push(text(mark).size(10).style(style::muted));
    }
    let mut entry = column![
        container(
            button(line)
                .width(Length::Fill)
                .padding([3, 6])
                .style(style::row_button(selected))
                .on_press(room_message(RoomMessage::SelectOccupant(o.nick.clone())))
        )
        .id(ids::room::occupant(&o.nick))
    ];
    if selected {
        let mut actions = row![].spacing(4);
        if !own && room.joined {
            actions = actions.push(
                container(small_button(
                    fl!("room-private-message"),
                    RoomMessage::Private(o.nick.clone()),
                    false,
                ))
                .id(ids::room::private(&o.nick)),
            );
        }
        if room.may_kick(o) {
            actions = actions.push(
                container(small_button(
                    fl!("room-kick"),
                    RoomMessage::Kick(o.nick.clone()),
                    false,
                ))
                .id(ids::room::kick(&o.nick)),
            );
        }
        if room.may_ban(o)
            && let Some(jid) = &o.jid
        {
            actions = actions.push(
                container(
                    button(text(fl!("room-ban")).size(12))
                        .padding([4, 10])
                        .style(button::danger)
                        .on_press(room_message(RoomMessage::Ban(jid.clone()))),
                )
                .id(ids::room::ban(&o.nick)),
            );
        }
        let mut details = column![].spacing(4).padding([2, 8]);
        if let Some(jid) = &o.jid {
            details = details.push(text(jid.clone()).size(11).style(style::muted));
        }
        if let Some(status) = &o.status {
            details = details.push(text(status.clone()).size(11).style(style::muted));
        }
        entry = entry.push(details.push(actions.wrap()));
    }
    entry.into()
}

/// Kept for the composer: Tab completes a nick in a room.
pub fn complete_binding() -> Message {
    Message::Room(RoomMessage::Complete)
}

/// The composer's replacement note when the room cannot be written to.
pub fn blocked_placeholder() -> String {
    fl!("room-composer-not-joined")
}

/// The Rejoin button in place of Send.
pub fn rejoin_button<'a>() -> Element<'a, Message> {
    container(
        button(text(fl!("room-rejoin")).center())
            .padding([10, 18])
            .on_press(room_message(RoomMessage::Rejoin)),
    )
    .id(ids::room::REJOIN)
    .into()
}
