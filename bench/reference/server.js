#!/usr/bin/env node
// The baseline Shotcall is measured against: the signaling backend of the design Shotcall
// replaces (Express + Socket.io, users and channels kept in Maps), written onto the `ws` package
// so that it speaks Shotcall's protocol v1 (shared/protocol-v1.md) to the same load generator.
// It covers what the benchmark workload uses: register-user, find-or-create-channel,
// join-channel, leave-channel, signal and chat, with the protocol's error codes. Like the
// original it has no rate limits, frame guard or metrics; it is written to be fast, not slow.
'use strict';

const http = require('http');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const host = arg('--bind', '127.0.0.1');
const port = Number(arg('--port', '7801'));
const maxMembers = Number(arg('--max-members', '5'));

const users = new Map();     // peerId -> { ws, riotId, key, channelId }
const byRiotKey = new Map(); // folded Riot ID -> peerId
const channels = new Map();  // channelId -> { id, gameId, teamId, roster, keys:Set, pairing, members:Map }
const byPairing = new Map(); // teamId + sorted roster keys -> channelId

const fold = (riotId) => riotId.normalize('NFC').toLowerCase();
const isRiotId = (v) => typeof v === 'string' && v.length <= 96 && /^[^#\u0000-\u001f]+#[^#\u0000-\u001f]+$/.test(v);
const isId = (v) => (typeof v === 'string' && v.length > 0 && v.length <= 64) || Number.isInteger(v);

function send(ws, message) {
  if (ws.readyState === 1) ws.send(JSON.stringify(message));
}
function reply(ws, id, message) {
  send(ws, id === undefined ? message : { type: message.type, id, ...message });
}
function error(ws, id, code, message, re) {
  reply(ws, id, { type: 'error', code, message, re });
}
function info(channel) {
  return { channelId: channel.id, gameId: channel.gameId, teamId: channel.teamId, roster: channel.roster };
}

function leaveCurrent(peerId, user) {
  const channel = channels.get(user.channelId);
  user.channelId = null;
  if (!channel) return;
  channel.members.delete(peerId);
  if (channel.members.size === 0) {
    channels.delete(channel.id);
    byPairing.delete(channel.pairing);
    return;
  }
  for (const other of channel.members.keys()) {
    send(users.get(other).ws, { type: 'user-left-channel', channelId: channel.id, peerId });
  }
}

const handlers = {
  'register-user'(ws, state, m) {
    if (state.peerId) return error(ws, m.id, 'already-registered', 'already registered', m.type);
    if (!isRiotId(m.riotId)) return error(ws, m.id, 'bad-message', 'riotId must be Name#TAG', m.type);
    const key = fold(m.riotId);
    const holder = byRiotKey.get(key);
    if (holder) {
      send(users.get(holder).ws, { type: 'notice', level: 'warning', text: 'Someone else tried to sign in with your Riot ID.' });
      return error(ws, m.id, 'riot-id-in-use', `${m.riotId} is connected from somewhere else`, m.type);
    }
    const peerId = crypto.randomBytes(12).toString('hex');
    state.peerId = peerId;
    users.set(peerId, { ws, riotId: m.riotId, key, channelId: null });
    byRiotKey.set(key, peerId);
    reply(ws, m.id, { type: 'connected', peerId, iceServers: [], server: { name: 'reference', version: '1.0.0' } });
  },

  'find-or-create-channel'(ws, state, m, user) {
    if (!isId(m.gameId) || !isId(m.teamId) || !Array.isArray(m.teammates) || m.teammates.length > 10 ||
        !m.teammates.every(isRiotId)) {
      return error(ws, m.id, 'bad-message', 'gameId, teamId and teammates are required', m.type);
    }
    const keys = [...new Set(m.teammates.map(fold))].sort();
    if (!keys.includes(user.key)) return error(ws, m.id, 'not-on-roster', 'your Riot ID is not on that roster', m.type);
    const pairing = `${m.teamId}\n${keys.join('\n')}`;
    let channel = channels.get(byPairing.get(pairing));
    if (!channel) {
      let id = `${m.gameId}_${m.teamId}_${Date.now()}`;
      for (let n = 1; channels.has(id); n++) id = `${m.gameId}_${m.teamId}_${Date.now()}-${n}`;
      channel = { id, gameId: m.gameId, teamId: m.teamId, roster: m.teammates, keys: new Set(keys), pairing, members: new Map() };
      channels.set(id, channel);
      byPairing.set(pairing, id);
    }
    reply(ws, m.id, { type: 'channel-created', ...info(channel) });
    for (const key of keys) {
      if (key === user.key) continue;
      const mate = users.get(byRiotKey.get(key));
      if (mate && !mate.channelId) send(mate.ws, { type: 'channel-available', ...info(channel) });
    }
  },

  'join-channel'(ws, state, m, user) {
    if (!isId(m.channelId)) return error(ws, m.id, 'bad-message', 'channelId is required', m.type);
    const channel = channels.get(m.channelId);
    if (!channel) return error(ws, m.id, 'no-such-channel', 'no such channel', m.type);
    if (!channel.keys.has(user.key)) return error(ws, m.id, 'not-on-roster', "your Riot ID is not on this channel's roster", m.type);
    const already = channel.members.has(state.peerId);
    if (!already && channel.members.size >= maxMembers) {
      return error(ws, m.id, 'channel-full', `the channel has ${maxMembers} members already`, m.type);
    }
    if (user.channelId && user.channelId !== channel.id) leaveCurrent(state.peerId, user);
    const members = [];
    for (const [peerId, riotId] of channel.members) if (peerId !== state.peerId) members.push({ peerId, riotId });
    channel.members.set(state.peerId, user.riotId);
    user.channelId = channel.id;
    reply(ws, m.id, { type: 'joined-channel', channelId: channel.id, members });
    if (already) return;
    const announce = { type: 'user-joined-channel', channelId: channel.id, member: { peerId: state.peerId, riotId: user.riotId } };
    for (const { peerId } of members) send(users.get(peerId).ws, announce);
  },

  'leave-channel'(ws, state, m, user) {
    if (!isId(m.channelId)) return error(ws, m.id, 'bad-message', 'channelId is required', m.type);
    if (user.channelId !== m.channelId) {
      return channels.has(m.channelId)
        ? error(ws, m.id, 'not-in-channel', 'you are not in that channel', m.type)
        : error(ws, m.id, 'no-such-channel', 'no such channel', m.type);
    }
    reply(ws, m.id, { type: 'left-channel', channelId: m.channelId });
    leaveCurrent(state.peerId, user);
  },

  signal(ws, state, m, user) {
    if (typeof m.to !== 'string' || m.data === null || typeof m.data !== 'object' || Array.isArray(m.data)) {
      return error(ws, m.id, 'bad-message', 'to and data are required', m.type);
    }
    if (!user.channelId) return error(ws, m.id, 'not-in-channel', 'join a channel before signalling', m.type);
    const target = users.get(m.to);
    if (!target || m.to === state.peerId || target.channelId !== user.channelId) {
      return error(ws, m.id, 'no-such-peer', 'no such peer in your channel', m.type);
    }
    send(target.ws, { type: 'signal', from: state.peerId, data: m.data });
  },

  chat(ws, state, m, user) {
    if (typeof m.channelId !== 'string' || typeof m.text !== 'string' || m.text.length < 1 || m.text.length > 500) {
      return error(ws, m.id, 'bad-message', 'channelId and text (1 to 500 characters) are required', m.type);
    }
    const channel = channels.get(m.channelId);
    if (!channel || user.channelId !== m.channelId) return error(ws, m.id, 'not-in-channel', 'you are not in that channel', m.type);
    const message = { type: 'chat', channelId: m.channelId, from: state.peerId, riotId: user.riotId, text: m.text, ts: Date.now() };
    for (const peerId of channel.members.keys()) send(users.get(peerId).ws, message);
  },
};

const httpServer = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(req.url === '/healthz' ? 'ok\n' : 'not found\n');
});
const wss = new WebSocketServer({ server: httpServer, path: '/ws', perMessageDeflate: false, maxPayload: 65536 });

wss.on('connection', (ws) => {
  const state = { peerId: null };
  ws.isAlive = true;
  ws.on('pong', () => { ws.isAlive = true; });
  ws.on('message', (raw, isBinary) => {
    ws.isAlive = true;
    let m;
    try {
      m = isBinary ? null : JSON.parse(raw);
    } catch {
      m = null;
    }
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return error(ws, undefined, 'bad-json', 'send one JSON object per text frame');
    if (typeof m.type !== 'string') return error(ws, undefined, 'bad-message', 'type is required');
    if (m.id !== undefined && (typeof m.id !== 'string' || m.id.length > 64)) return error(ws, undefined, 'bad-message', 'id must be a short string', m.type);
    const handler = handlers[m.type];
    if (!handler) return error(ws, m.id, 'unknown-type', `unknown type ${m.type}`, m.type);
    const user = state.peerId ? users.get(state.peerId) : null;
    if (m.type !== 'register-user' && !user) return error(ws, m.id, 'not-registered', 'register first', m.type);
    handler(ws, state, m, user);
  });
  ws.on('close', () => {
    if (!state.peerId) return;
    const user = users.get(state.peerId);
    if (user.channelId) leaveCurrent(state.peerId, user);
    users.delete(state.peerId);
    if (byRiotKey.get(user.key) === state.peerId) byRiotKey.delete(user.key);
  });
  ws.on('error', () => {});
});

// Keepalive as the ws documentation recommends (Socket.io's heartbeat did the same job): ping
// everyone every 20 s, drop whoever did not answer the previous ping.
const keepalive = setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.isAlive) {
      ws.terminate();
      continue;
    }
    ws.isAlive = false;
    ws.ping();
  }
}, 20000);

httpServer.listen({ host, port, backlog: 511 }, () => {
  process.stdout.write(`listening on ws://${host}:${httpServer.address().port}/ws\n`);
});

function stop() {
  clearInterval(keepalive);
  for (const ws of wss.clients) ws.terminate();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
