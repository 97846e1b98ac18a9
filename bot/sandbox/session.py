"""The sandbox's simulated server, its members, and what one typed line does.

The real bot (same cogs, storage and start-up as production) runs against SimCord in this
process. After each line, every message the bot posted or edited anywhere is printed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from simcord import Env
from simcord.backend.errors import BackendError, OptionError, SetupError
from simcord.results import ResponseMessage

from bot.sandbox import parse
from bot.sandbox.parse import ParseError
from bot.sandbox.show import Viewer, message_lines

if TYPE_CHECKING:
    from simcord.actors import MemberActor

    from bot.client import NetGainBot
    from bot.sandbox.clock import SimulatedTime

# A fixed server id and a fixed pool of users created at a fixed instant, so the same member
# has the same Discord id on every run and their history in the sandbox database stays theirs.
GUILD_ID = 1_200_000_000_000_000_000
SLOTS = 200
MEMBERS_KEY = "sandbox:members"
CLOCK_KEY = "sandbox:now"
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}

HELP = """Sandbox commands:
  :as NAME       act as another member (created on first use); :as me is you again
  :press LABEL   press a button on the last reply, e.g. :press Confirm
  :advance 7d    move time forward (s, m, h, d, w; e.g. 1d12h), so scheduled work runs
  :now           show the sandbox's date and time
  :help          this list; /help lists NetGain's own commands
  :quit          leave (Ctrl-D works too)
Slash commands are typed as in Discord: /log followers 1200 following 300
or /log followers:1200 following:300. Tab completes command and option names."""


class Quit(Exception):
    """The person asked to leave."""


def parse_duration(text: str) -> timedelta:
    cleaned = text.replace(" ", "").lower()
    parts = _DURATION.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ParseError("`:advance` takes a duration like 7d, 12h, 30m, 1w or 1d12h.")
    return timedelta(seconds=sum(int(n) * _SECONDS[u] for n, u in parts))


def _fingerprint(message: Any) -> str:
    return json.dumps(
        [message.content, message.embeds, message.components, message.attachments, message.flags],
        sort_keys=True,
        default=str,
    )


class Sandbox:
    def __init__(
        self,
        env: Env,
        bot: NetGainBot,
        *,
        you: str,
        clock: SimulatedTime,
        output: Path,
        write: Callable[[str], None] = print,
        colour: bool = False,
        follow_wall_clock: bool = False,
    ) -> None:
        self.env = env
        self.bot = bot
        self.you = you
        self.clock = clock
        self.output = output
        self.write = write
        self.colour = colour
        self.follow_wall_clock = follow_wall_clock
        self.members: dict[str, MemberActor] = {}
        self.names: list[str] = []
        self.last_with_buttons: Any = None
        self._last_real = time.monotonic()

    # ---- set-up ----------------------------------------------------------------------------

    async def open(self) -> None:
        # Snowflakes come from SimCord's clock: step to an instant of our own before creating
        # users, so their ids do not depend on how many commands start-up registered. SimCord
        # starts at a fixed instant, so the same member gets the same id on every run.
        await self.clock.advance(timedelta(seconds=1))
        self.slots = [self.env.create_user(f"sandbox-member-{i:03d}") for i in range(SLOTS)]
        self.guild = self.env.create_guild(name="NetGain Sandbox", id=GUILD_ID)
        admin = self.guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
        self.general = self.guild.create_text_channel("general")
        self.digest = self.guild.create_text_channel("weekly-digest")
        stored = json.loads(await self.bot.storage.get_state(MEMBERS_KEY) or "[]")
        self.names = [self.you, *stored[1:]]
        self.me = self.guild.add_member(self.slots[0], roles=[admin], nick=self.you)
        self.members[self.you.lower()] = self.me
        for slot, name in enumerate(self.names[1:], start=1):
            self.members[name.lower()] = self.guild.add_member(self.slots[slot], nick=name)
        self.actor = self.me
        await self._save_members()
        self._last_real = time.monotonic()

    async def close(self) -> None:
        await self.bot.storage.set_state(CLOCK_KEY, self.clock.now().isoformat())

    async def _save_members(self) -> None:
        await self.bot.storage.set_state(MEMBERS_KEY, json.dumps(self.names))

    # ---- one line --------------------------------------------------------------------------

    async def run(self, line: str) -> bool:
        """Run one typed line and print what the bot did; False when the line failed."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if self.follow_wall_clock:
            await self._catch_up_with_wall_clock()
        before = self._snapshot()
        errors_before = len(self.env.errors)
        try:
            if line.startswith(":"):
                await self._sandbox_command(line)
            elif line.startswith("/"):
                await self._slash(line)
            else:
                raise ParseError(
                    "Type a slash command, like `/log followers 1200 following 300`, "
                    "or a sandbox command such as `:help`."
                )
        except ParseError as error:
            self.fail(error.message)
            return False
        except (OptionError, SetupError, BackendError) as error:
            self.fail(str(error))
            return False
        finally:
            self._show_changes(before)
        return len(self.env.errors) == errors_before

    def fail(self, message: str) -> None:
        self.write(f"\033[31m✗ {message}\033[0m" if self.colour else f"✗ {message}")

    async def _catch_up_with_wall_clock(self) -> None:
        now = time.monotonic()
        elapsed, self._last_real = now - self._last_real, now
        if elapsed > 0:
            await self.clock.advance(timedelta(seconds=elapsed))

    async def _slash(self, line: str) -> None:
        visible = self.commands()
        name = line.removeprefix("/").split(" ", 1)[0].lower()
        hidden = all(c["name"] != name for c in visible)
        if name and hidden and self.env.backend.find_command(name, self.guild.id) is not None:
            raise ParseError(
                f"{self.actor_name} can't use `/{name}` here: it needs a permission they "
                "don't have (`:as me` acts as you, with Manage Server)."
            )
        call = parse.parse_slash(line, visible, self._resolve)
        await self.actor.slash(self.general, call.command, **call.options)

    def commands(self) -> list[dict[str, Any]]:
        """The slash commands Discord would offer the current member in #general."""
        return list(
            self.env.backend.visible_commands(user_id=self.actor.id, channel_id=self.general.id)
        )

    def _resolve(self, kind: int, text: str) -> Any:
        name = text.strip().lstrip("@#").lower()
        if kind in (parse.USER, parse.MENTIONABLE):
            member = self.me if name == "me" else self.members.get(name)
            if member is None:
                raise ParseError(f"No member named `{name}` here yet; `:as {name}` adds them.")
            return member
        if kind == parse.CHANNEL:
            channel = self.guild.channels.get(name)
            if channel is None:
                known = ", ".join(f"#{c}" for c in self.guild.channels)
                raise ParseError(f"No channel `#{name}` here (there are {known}).")
            return channel
        if kind == parse.ROLE:
            role = self.guild.roles.get(text.strip().lstrip("@"))
            if role is None:
                raise ParseError(f"No role `{text}` here.")
            return role
        path = Path(text).expanduser()
        if not path.is_file():
            raise ParseError(f"No file at `{text}` to attach.")
        return (path.name, path.read_bytes())

    # ---- sandbox commands ------------------------------------------------------------------

    async def _sandbox_command(self, line: str) -> None:
        word, _, rest = line[1:].partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("quit", "exit", "q"):
            raise Quit
        if word == "help":
            self.write(HELP)
        elif word == "as":
            await self._act_as(rest)
        elif word == "press":
            await self._press(rest)
        elif word == "advance":
            await self.clock.advance(parse_duration(rest))
            await self.close()
            self.write(f"⏩ {self._now_text()}")
        elif word == "now":
            self.write(self._now_text())
        else:
            raise ParseError(f"No sandbox command `:{word}`. {HELP.splitlines()[0]} see `:help`.")

    def _now_text(self) -> str:
        return self.clock.now().astimezone().strftime("It is %A %d %B %Y, %H:%M %Z.")

    async def _act_as(self, name: str) -> None:
        if not name:
            self.write(f"You are acting as {self.actor_name}.")
            return
        display = name.lstrip("@")
        key = display.lower()
        if key in ("me", self.you.lower()):
            self.actor = self.me
        elif key in self.members:
            self.actor = self.members[key]
        else:
            if not re.fullmatch(r"[\w.\-]{1,32}", display):
                raise ParseError("A member name is 1 to 32 letters, digits, dots or dashes.")
            if len(self.names) >= SLOTS:
                raise ParseError(f"The sandbox holds {SLOTS} members; use one you have.")
            self.actor = self.guild.add_member(self.slots[len(self.names)], nick=display)
            self.members[key] = self.actor
            self.names.append(display)
            await self._save_members()
            self.write(f"{display} joined the sandbox server.")
        self.write(f"Now acting as {self.actor_name}.")

    @property
    def actor_name(self) -> str:
        return self._user_name(self.actor.id)

    async def _press(self, label: str) -> None:
        message = self.last_with_buttons
        if message is None:
            raise ParseError("There is no button to press yet: no reply with buttons so far.")
        buttons = [
            c.get("label", "")
            for row in message.components
            for c in row.get("components", [])
            if c.get("type") == 2
        ]
        match = next((b for b in buttons if b.lower() == label.lower()), None)
        if match is None:
            shown = " ".join(f"[{b}]" for b in buttons) or "no buttons any more"
            raise ParseError(f"No button `{label}` on the last reply (it has {shown}).")
        await self.actor.click(ResponseMessage(self.env, message), label=match)

    # ---- what the bot did ------------------------------------------------------------------

    def _snapshot(self) -> dict[tuple[int, int], str]:
        bot_id = self.env.backend.bot_user.id
        return {
            (channel_id, message_id): _fingerprint(message)
            for channel_id, messages in self.env.backend.messages.items()
            for message_id, message in messages.items()
            if message.author_id == bot_id
        }

    def _show_changes(self, before: dict[tuple[int, int], str]) -> None:
        after = self._snapshot()
        # Snowflakes grow with time: sorting by message id prints in the order things happened.
        changed = sorted(
            (key for key, print_ in after.items() if before.get(key) != print_),
            key=lambda key: key[1],
        )
        viewer = Viewer(
            now=self.clock.now(),
            name_of=self._user_name,
            channel_of=self._channel_name,
            colour=self.colour,
        )
        for channel_id, message_id in changed:
            message = self.env.backend.messages[channel_id][message_id]
            if not message.visible_to(self.actor.id):
                continue
            saved = self._save_attachments(message)
            where = self._where(channel_id)
            edited = (channel_id, message_id) in before
            self.write(
                "\n".join(message_lines(message, viewer, where=where, edited=edited, saved=saved))
            )
            if any(row.get("components") for row in message.components):
                self.last_with_buttons = message

    def _save_attachments(self, message: Any) -> list[str]:
        saved = []
        for attachment in message.attachments:
            data = self.env.backend.cdn.get(attachment["url"])
            if data is None:
                continue
            self.output.mkdir(parents=True, exist_ok=True)
            path = self.output / f"{message.id}-{attachment['filename']}"
            path.write_bytes(data)
            saved.append(str(path))
        return saved

    def _where(self, channel_id: int) -> str:
        channel = self.env.backend.get_channel(channel_id)
        if channel.name:
            return f"#{channel.name}"
        recipients = [self._user_name(uid) for uid in channel.recipient_ids]
        return f"a DM to {', '.join(recipients) or 'you'}"

    def _user_name(self, user_id: int) -> str:
        for name in self.names:
            member = self.members.get(name.lower())
            if member is not None and member.id == user_id:
                return name
        user = self.env.backend.users.get(user_id)
        return user.name if user is not None else str(user_id)

    def _channel_name(self, channel_id: int) -> str:
        channel = self.env.backend.channels.get(channel_id)
        return channel.name if channel is not None and channel.name else str(channel_id)
