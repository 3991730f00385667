// Checks Adaptive Cards the way a Teams client reads them, for tests/manifest/card_schema.py.
//
// No npm package ships the Adaptive Card 1.5 JSON schema, so this uses Microsoft's own
// Adaptive Cards parser (the `adaptivecards` package) instead: it is what decides which
// elements, actions, property values and versions a renderer accepts. The parser is
// lenient by design (unknown properties are silently dropped), so this script also
// reports every property the parser does not know, which is how typos would slip through.
//
// stdin: a JSON array of cards. stdout: a JSON array with one list of problems per card.

"use strict";

const AC = require("adaptivecards/dist/adaptivecards.js");

// What Teams renders: the Adaptive Cards designer's Teams host (adaptivecards-designer 2.4.4,
// containers/teams) targets 1.5, and its Teams host configs allow 6 actions per card.
const TARGET_VERSION = AC.Versions.v1_5;
const TEAMS_HOST_CONFIG = new AC.HostConfig({ supportsInteractivity: true, actions: { maxActions: 6 } });

// Keys a card object reads outside its property schema: the type itself, fallback, and the
// child collections each container parses by hand.
const STRUCTURAL_KEYS = ["type", "fallback", "body", "actions", "items", "columns", "card", "inlines", "rows", "cells"];
// Teams' own extension on the card root (full-width cards, mentions): documented by Teams,
// unknown to the Adaptive Cards schema.
const ROOT_HOST_KEYS = ["msteams"];
// Teams renders dynamic typeahead (`choices.data` with a Data.Query) in cards of any version
// (msteams-docs, "Typeahead search in Adaptive Cards", whose example is a 1.2 card); the
// parser ties the property to 1.6. Only that one version event is let through.
const TEAMS_TYPEAHEAD_EVENT = 'Property "choices.data" is supported in version 1.6, but you are using version 1.5.';

function schemaNames(obj) {
  const schema = obj.getSchema();
  const names = new Map();
  for (let i = 0; i < schema.getCount(); i++) {
    const prop = schema.getItemAt(i);
    names.set(prop.name, prop);
  }
  return names;
}

function describe(obj) {
  return typeof obj.getJsonTypeName === "function" ? obj.getJsonTypeName() : obj.constructor.name;
}

// Reports keys of `source` that `obj` does not know, then does the same for the nested
// plain objects its schema declares (facts, choices, backgroundImage, ...).
function checkKeys(obj, source, where, allowed, problems) {
  const known = schemaNames(obj);
  for (const key of Object.keys(source)) {
    if (!known.has(key) && !allowed.includes(key)) {
      problems.push(`${where}: unknown property "${key}"`);
    }
  }
  for (const [name, prop] of known) {
    if (!(name in source) || source[name] === null || typeof source[name] !== "object") continue;
    const value = obj.getValue(prop);
    if (value instanceof AC.CardObject) continue; // card objects are checked on their own
    if (value instanceof AC.SerializableObject) {
      checkKeys(value, source[name], `${where}.${name}`, [], problems);
    } else if (Array.isArray(value) && Array.isArray(source[name]) && value.length === source[name].length) {
      value.forEach((item, i) => {
        if (item instanceof AC.SerializableObject && !(item instanceof AC.CardObject)) {
          checkKeys(item, source[name][i], `${where}.${name}[${i}]`, [], problems);
        }
      });
    }
  }
}

function validate(json) {
  const problems = [];
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return ["a card must be a JSON object"];
  }
  const version = AC.Version.parse(json.version, new AC.SerializationContext());
  if (!version || !version.isValid || version.compareTo(TARGET_VERSION) > 0) {
    problems.push(`card version must be ${TARGET_VERSION} or lower, got ${JSON.stringify(json.version)}`);
  }

  const parsed = [];
  const context = new AC.SerializationContext(TARGET_VERSION);
  context.onParseElement = (element, source) => parsed.push([element, source]);
  context.onParseAction = (action, source) => parsed.push([action, source]);

  const card = new AC.AdaptiveCard();
  card.hostConfig = TEAMS_HOST_CONFIG;
  card.parse(json, context);

  for (let i = 0; i < context.eventCount; i++) {
    if (context.getEventAt(i).message === TEAMS_TYPEAHEAD_EVENT) continue;
    problems.push(`parse: ${context.getEventAt(i).message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`validate: ${event.message}`);
  }
  checkKeys(card, json, "card", [...STRUCTURAL_KEYS, ...ROOT_HOST_KEYS], problems);
  for (const [obj, source] of parsed) {
    const where = obj.id ? `${describe(obj)} "${obj.id}"` : describe(obj);
    checkKeys(obj, source, where, STRUCTURAL_KEYS, problems);
  }
  return problems;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cards = JSON.parse(input);
  process.stdout.write(JSON.stringify(cards.map(validate)));
});
