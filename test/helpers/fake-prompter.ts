import type { ToolKind } from '../../src/commands/add-tool/options.js';
import type { AddToolPrompter } from '../../src/commands/add-tool/prompts.js';
import type { CreatePrompter, Transport } from '../../src/commands/create/options.js';

export interface PromptAnswers {
  directory?: string;
  name?: string;
  transport?: Transport;
  example?: boolean;
  install?: boolean;
}

export type PromptName = keyof CreatePrompter;

/**
 * A CreatePrompter that answers from `answers`, records every prompt with the default it was
 * offered, and fails the test when asked something it has no answer for.
 */
export function fakePrompter(answers: PromptAnswers = {}) {
  const asked: { prompt: PromptName; defaultValue: unknown }[] = [];
  function answer<T>(prompt: PromptName, defaultValue: unknown): Promise<T> {
    asked.push({ prompt, defaultValue });
    if (answers[prompt] === undefined) return Promise.reject(new Error(`unexpected prompt: ${prompt}`));
    return Promise.resolve(answers[prompt] as T);
  }
  const prompter: CreatePrompter = {
    directory: (defaultValue) => answer('directory', defaultValue),
    name: (defaultValue) => answer('name', defaultValue),
    transport: (defaultValue) => answer('transport', defaultValue),
    example: (defaultValue) => answer('example', defaultValue),
    install: (defaultValue) => answer('install', defaultValue),
  };
  return { prompter, asked, askedNames: () => asked.map((entry) => entry.prompt) };
}

export interface AddToolAnswers {
  name?: string;
  scope?: string;
  kind?: ToolKind;
  description?: string;
}

/** An AddToolPrompter answering from `answers`; asking anything else fails the test. */
export function fakeAddToolPrompter(answers: AddToolAnswers = {}) {
  const asked: (keyof AddToolPrompter)[] = [];
  function answer<T>(prompt: keyof AddToolPrompter): Promise<T> {
    asked.push(prompt);
    if (answers[prompt] === undefined) return Promise.reject(new Error(`unexpected prompt: ${prompt}`));
    return Promise.resolve(answers[prompt] as T);
  }
  const prompter: AddToolPrompter = {
    name: () => answer('name'),
    scope: () => answer('scope'),
    kind: () => answer('kind'),
    description: () => answer('description'),
  };
  return { prompter, asked };
}
