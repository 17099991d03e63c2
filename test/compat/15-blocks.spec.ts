/**
 * Seed README §15 "Hệ thống Block", lines 1235–1464, run against `chat-client-rx/compat`.
 * The interfaces are checked at type level (`const x: TextBlock = …`, compiled by tsc) and
 * at run time: every block the seed shows goes through the gateway and comes back equal.
 */
import { expect } from 'chai';
// seed line 1359
import { isTextBlock, isImageBlock, isFileBlock, isCardBlock } from '../../src/compat/index.js';
import {
  isAudioBlock,
  isCarouselBlock,
  isChoiceBlock,
  isContactBlock,
  isCustomBlock,
  isDividerBlock,
  isEmbedBlock,
  isLinkPreviewBlock,
  isLocationBlock,
  isVideoBlock,
  type ActionButton,
  type AudioBlock,
  type Block,
  type ButtonAction,
  type ButtonStyle,
  type CardBlock,
  type CardField,
  type CarouselBlock,
  type ChatClient,
  type ChoiceBlock,
  type ChoiceMode,
  type ChoiceOption,
  type ContactBlock,
  type CustomBlock,
  type DividerBlock,
  type EmbedBlock,
  type FileBlock,
  type ImageBlock,
  type LinkPreviewBlock,
  type LocationBlock,
  type Mention,
  type MentionType,
  type QuickReply,
  type QuickReplyAction,
  type TextBlock,
  type TextFormat,
  type VideoBlock,
} from '../../src/compat/index.js';
import { captureConsole, seedSuite } from './seed-kit.js';

// Interfaces tham chiếu đầy đủ (lines 1245–1353): one value of each, every field set.
const media = { storageKey: '01HXABCDEF/photo.jpg' };
const allBlocks = {
  text: { $type: 'text', format: 'Markdown', content: '**a**', plainText: 'a' } satisfies TextBlock,
  image: {
    $type: 'image',
    source: media,
    thumbnail: { url: 'https://example.com/t.jpg' },
    altText: 'alt',
    width: 10,
    height: 20,
    caption: 'cap',
    fileSizeBytes: 100,
  } satisfies ImageBlock,
  video: {
    $type: 'video',
    source: media,
    thumbnail: null,
    caption: null,
    durationSeconds: 12.5,
    mimeType: 'video/mp4',
    fileSizeBytes: 1000,
  } satisfies VideoBlock,
  audio: {
    $type: 'audio',
    source: media,
    durationSeconds: 3,
    mimeType: 'audio/ogg',
    transcript: 'xin chào',
    fileSizeBytes: 50,
  } satisfies AudioBlock,
  file: { $type: 'file', source: media, fileName: 'a.pdf', mimeType: null, fileSizeBytes: null } satisfies FileBlock,
  linkPreview: {
    $type: 'linkPreview',
    url: 'https://example.com',
    title: 'Example',
    description: null,
    image: null,
    siteName: 'example.com',
  } satisfies LinkPreviewBlock,
  embed: { $type: 'embed', url: 'https://example.com/e', html: '<iframe></iframe>', width: 640, height: 360 } satisfies EmbedBlock,
  location: { $type: 'location', latitude: 21.0285, longitude: 105.8542, name: 'Hà Nội', address: null } satisfies LocationBlock,
  contact: { $type: 'contact', displayName: 'An', phone: '+84900000000', email: null, organization: 'ACME' } satisfies ContactBlock,
  choice: {
    $type: 'choice',
    prompt: 'Chọn một',
    options: [
      { label: 'A', value: 'a', selected: true },
      { label: 'B', value: 'b', selected: false },
    ],
    mode: 'Single',
    submitted: false,
  } satisfies ChoiceBlock,
  card: {
    $type: 'card',
    title: 'Card',
    subtitle: null,
    image: media,
    fields: [{ label: 'Giá', value: '10' }],
    buttons: [{ label: 'Mở', action: 'Url', value: 'https://example.com', style: 'Primary' }],
  } satisfies CardBlock,
  carousel: {
    $type: 'carousel',
    cards: [{ $type: 'card', title: 'One', subtitle: 'sub', image: null, fields: null, buttons: null }],
  } satisfies CarouselBlock,
  divider: { $type: 'divider' } satisfies DividerBlock,
  custom: { $type: 'custom', type: 'poll', data: { question: 'Q?' } } satisfies CustomBlock,
};

describe('seed §15 blocks (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  let convId: string;
  before(async () => {
    const { token } = await kit.login('blocks-me');
    convId = (await kit.conversation(token, { type: 'Self', participantIds: [] })).id;
  });
  beforeEach(async () => {
    client = await kit.user('blocks-me'); // the seed's `client`, logged in
  });

  it('the 14 block interfaces (table line 1241, lines 1245–1353): each a Block, each through the server unchanged', async () => {
    const blocks: Block[] = Object.values(allBlocks);
    expect(blocks.map((b) => b.$type)).to.deep.equal([
      'text',
      'image',
      'video',
      'audio',
      'file',
      'linkPreview',
      'embed',
      'location',
      'contact',
      'choice',
      'card',
      'carousel',
      'divider',
      'custom',
    ]);
    const sent = await client.messages.send(convId, { blocks });
    expect((await client.messages.getById(sent.id)).blocks).to.deep.equal(blocks);
  });

  it('type guards (lines 1359–1371): each narrows to its block', async () => {
    const sent = await client.messages.send(convId, { blocks: [allBlocks.text, allBlocks.image, allBlocks.file, allBlocks.card] }); // not in the seed: a message with these four kinds
    const message = await client.messages.getById(sent.id); // the seed's `message`

    for (const block of message.blocks) {
      if (isTextBlock(block)) {
        console.log(block.content); // TypeScript biết đây là TextBlock
      } else if (isImageBlock(block)) {
        console.log(block.source.url); // ImageBlock
      } else if (isFileBlock(block)) {
        console.log(block.fileName, block.fileSizeBytes);
      } else if (isCardBlock(block)) {
        block.buttons?.forEach((btn) => console.log(btn.label, btn.action));
      }
    }

    // The image's source has a storage key and no url: the server writes the absent url as null.
    expect(out.lines().map((line) => line.map((v) => v ?? null))).to.deep.equal([['**a**'], [null], ['a.pdf', null], ['Mở', 'Url']]);
  });

  it('Danh sách đầy đủ (line 1373): 14 guards, each true for its own $type only', () => {
    const guards: Record<string, (block: Block) => boolean> = {
      text: isTextBlock,
      image: isImageBlock,
      video: isVideoBlock,
      audio: isAudioBlock,
      file: isFileBlock,
      linkPreview: isLinkPreviewBlock,
      embed: isEmbedBlock,
      location: isLocationBlock,
      contact: isContactBlock,
      choice: isChoiceBlock,
      card: isCardBlock,
      carousel: isCarouselBlock,
      divider: isDividerBlock,
      custom: isCustomBlock,
    };
    for (const [name, guard] of Object.entries(guards)) {
      const matches = Object.entries(allBlocks)
        .filter(([, block]) => guard(block))
        .map(([kind]) => kind);
      expect(matches, name).to.deep.equal([name]);
    }
  });

  it('Ví dụ tạo block (lines 1377–1404): text, uploaded image and file blocks, sent as they are', async () => {
    // Văn bản Markdown
    const textBlock: TextBlock = {
      $type: 'text',
      format: 'Markdown',
      content: '**Hello** _world_!',
      plainText: 'Hello world!',
    };

    // Hình ảnh đã upload
    const imageBlock: ImageBlock = {
      $type: 'image',
      source: { storageKey: '01HXABCDEF/photo.jpg' },
      thumbnail: null,
      altText: 'Ảnh chụp',
      width: 1920,
      height: 1080,
      caption: 'Ảnh mô tả',
      fileSizeBytes: 204800,
    };

    // Gửi tin nhắn kèm file
    const fileBlock: FileBlock = {
      $type: 'file',
      source: { storageKey: '01HXABCDEF/report.pdf' },
      fileName: 'report.pdf',
      mimeType: 'application/pdf',
      fileSizeBytes: 1048576,
    };

    const sent = await client.messages.send(convId, { blocks: [textBlock, imageBlock, fileBlock] }); // not in the seed: sending them
    expect(sent.blocks).to.deep.equal([textBlock, imageBlock, fileBlock]);
    expect(sent.plainTextIndex).to.contain('Hello world!');
  });

  it('TextFormat (table line 1408), ButtonAction / ButtonStyle / ActionButton / CardField (lines 1412–1425)', async () => {
    const formats: TextFormat[] = ['Plain', 'Markdown', 'Html', 'ProseMirrorJson'];
    const actions: ButtonAction[] = ['Postback', 'Url', 'Call', 'Copy'];
    const styles: ButtonStyle[] = ['Default', 'Primary', 'Danger'];
    const buttons: ActionButton[] = actions.map((action, i) => ({
      label: action,
      action,
      value: action === 'Postback' ? null : `v${i}`,
      style: styles[i % 3] as ButtonStyle,
    }));
    const fields: CardField[] = [{ label: 'k', value: 'v' }];
    const card: CardBlock = { $type: 'card', title: null, subtitle: null, image: null, fields, buttons };
    const texts: TextBlock[] = formats.map((format) => ({ $type: 'text', format, content: `<b>${format}</b>`, plainText: format }));
    const sent = await client.messages.send(convId, { blocks: [...texts, card] });
    expect((await client.messages.getById(sent.id)).blocks).to.deep.equal([...texts, card]);
  });

  it('ChoiceMode / ChoiceOption / ChoiceBlock (lines 1429–1443)', async () => {
    const modes: ChoiceMode[] = ['Single', 'Multiple'];
    const options: ChoiceOption[] = [
      { label: 'Một', value: '1', selected: false },
      { label: 'Hai', value: '2', selected: true },
    ];
    const choices: ChoiceBlock[] = modes.map((mode) => ({
      $type: 'choice',
      prompt: `${mode}?`,
      options,
      mode,
      submitted: mode === 'Multiple',
    }));
    const sent = await client.messages.send(convId, { blocks: choices });
    expect((await client.messages.getById(sent.id)).blocks).to.deep.equal(choices);
  });

  it('QuickReply (lines 1449–1454) and Mention (lines 1458–1464): carried by a message', async () => {
    const replyActions: QuickReplyAction[] = ['SendText', 'Postback', 'Url'];
    const quickReplies: QuickReply[] = replyActions.map((action) => ({
      label: action,
      action,
      value: action === 'Url' ? 'https://example.com' : null,
      icon: null,
    }));
    const mentionTypes: MentionType[] = ['User', 'All', 'Here', 'Role'];
    const mentions: Mention[] = mentionTypes.map((type, i) => ({
      type,
      targetId: type === 'User' ? 'blocks-me' : type === 'Role' ? 'admins' : null, // User ID (null cho All/Here)
      displayName: `@${type}`,
      offset: i === 0 ? 0 : null, // Vị trí trong plainText
      length: i === 0 ? 5 : null,
    }));
    const sent = await client.messages.send(convId, { blocks: [allBlocks.text], quickReplies, mentions });
    const read = await client.messages.getById(sent.id);
    expect(read.quickReplies).to.deep.equal(quickReplies);
    expect(read.mentions).to.deep.equal(mentions);
  });
});
