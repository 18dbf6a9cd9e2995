/**
 * GENERATED from the protocol's zod schemas by shape-from-zod.ts: do not edit. After changing a
 * schema, run `HERALD_WRITE_SHAPES=1 npx vitest run packages/protocol/src/frame-shapes.test.ts`.
 * ENVELOPE holds the fields every frame shares; SERVER_FRAME checks what a server sends, CLIENT_FRAME what a client sends
 * (SEND_MESSAGE_FRAME is its send_message alone, what a browser client checks before queueing), REQUEST_RESULTS[action]
 * an ack's result; see shape.ts for the encoding and what shapes leave to the server.
 */
import type { Shape } from './shape.js';

const s0: Shape = ['s',1,64];
const s1: Shape = ['n',1,0];
const s2: Shape = ['~','s'];
const s3: Shape = ['?',s2];
const s4: Shape = ['o',{id:s0,name:'s',avatar:s3}];
const s5: Shape = ['?',s4];
const s6: Shape = ['e',"system"];
const s7: Shape = ['s',1,40];
const s8: Shape = ['e',"desktop","mobile","tablet"];
const s9: Shape = ['s',1,128];
const s10: Shape = ['s',null,200];
const s11: Shape = ['?',s10];
const s12: Shape = ['o',{deviceType:s8,deviceId:s9,name:s11}];
const s13: Shape = ['n',1,0,null,"l"];
const s14: Shape = ['n',0,0,null,"l"];
const s15: Shape = ['?',s13];
const s16: Shape = ['e',"ack"];
const s17: Shape = ['e',"error"];
const s18: Shape = ['?','s'];
const s19: Shape = ['e',"text","image","file","audio","system"];
const s20: Shape = ['~',s0];
const s21: Shape = ['s',null,255];
const s22: Shape = ['?',s21];
const s23: Shape = ['?',s1];
const s24: Shape = ['o',{fileId:s0,name:s22,mimeType:s22,size:s23,width:s15,height:s15,durationMs:s23}];
const s25: Shape = ['~',s24];
const s26: Shape = ['~',s1];
const s27: Shape = ['d',s26,null];
const s28: Shape = ['a',s0];
const s29: Shape = ['d',s28,[]];
const s30: Shape = ['e',"all","here"];
const s31: Shape = ['~',s30];
const s32: Shape = ['d',s31,null];
const s33: Shape = ['o',{emoji:'s',count:s13,userIds:s28,mine:'b'}];
const s34: Shape = ['a',s33];
const s35: Shape = ['d',s34,[]];
const s36: Shape = ['~',s13];
const s37: Shape = ['~',s19];
const s38: Shape = ['o',{messageId:s0,seq:s36,senderId:s20,senderName:s2,type:s37,text:'s',deleted:'b',missing:'b'}];
const s39: Shape = ['~',s38];
const s40: Shape = ['d',s39,null];
const s41: Shape = ['o',{id:s0,clientId:'s',conversationId:s0,seq:s13,senderId:s0,type:s19,text:'s',replyTo:s20,attachment:s25,createdAt:s1,editedAt:s27,deletedAt:s27,mentions:s29,groupMention:s32,reactions:s35,replyPreview:s40,revision:s15}];
const s42: Shape = ['e',"heartbeat"];
const s43: Shape = ['e',"typing"];
const s44: Shape = ['e',"read"];
const s45: Shape = ['e',"presence"];
const s46: Shape = ['a',s8];
const s47: Shape = ['o',{userId:s0,online:'b',lastSeenAt:s26,deviceTypes:s46}];
const s48: Shape = ['e',"event"];
const s49: Shape = ['n',0,0];
const s50: Shape = ['e',"owner","member"];
const s51: Shape = ['o',{userId:s0,name:'s',avatar:s2,role:s50,lastReadSeq:s1,deliveredSeq:s23}];
const s52: Shape = ['a',s51];
const s53: Shape = ['?','b'];
const s54: Shape = ['o',{conversationId:s0,seq:s13,messageId:s0,userId:s0,at:s1,text:'s',mentions:s29,groupMention:s32}];
const s55: Shape = ['o',{conversationId:s0,seq:s13,messageId:s0,userId:s0,at:s1}];
const s56: Shape = ['o',{emoji:'s',count:s1,userIds:s28,mine:'b'}];
const s57: Shape = ['o',{conversationId:s0,seq:s13,messageId:s0,userId:s0,at:s1,emoji:'s',added:'b',reaction:s56}];
const s58: Shape = ['e',"delivery"];
const s59: Shape = ['e',"control"];
const s60: Shape = ['s',1,4096];
const s61: Shape = ['o',{conversationId:s0}];
const s62: Shape = ['F',s59,s61];
const s63: Shape = ['e',"text","image","file","audio"];
const s64: Shape = ['s',null,16000];
const s65: Shape = ['d',s64,""];
const s66: Shape = ['?',s0];
const s67: Shape = ['?',s24];
const s68: Shape = ['o',{conversationId:s0,text:s65,replyTo:s66,attachment:s67}];
const s69: Shape = ['F',s63,s68];
const s70: Shape = ['o',{conversationId:s0,seq:s1}];
const s71: Shape = ['a',s0,1,500];
const s72: Shape = ['o',{userIds:s71}];
const s73: Shape = ['F',s59,s72];
const s74: Shape = ['o',{}];
const s75: Shape = ['F',s59,s74];
const s76: Shape = ['d','b',false];
const s77: Shape = ['e',"message_updated"];
const s78: Shape = ['e',"message_deleted"];
const s79: Shape = ['e',"reaction_updated"];
const s80: Shape = ['a',s47];
const s81: Shape = ['o',{presence:s80}];
export const ENVELOPE: Shape = ['o',{id:s0,timestamp:s1,sender:s5}];
export const SERVER_FRAME: Shape = ['D',"action",{"connected":['F',s6,['o',{connectionId:s0,user:['o',{id:s0,email:'s',name:'s',role:s7,avatar:s2,createdAt:s1}],device:s12,serverTime:'i',heartbeatIntervalMs:s13,credentialExpiresAt:'i',limits:['o',{maxFrameBytes:s13,ratePerSecond:s14,burst:s13,userSockets:s15,userRatePerSecond:['?',s14],userBurst:s15}]}]],"ack":['F',s16,['o',{ref:'s',result:'u'}]],"error":['F',s17,['o',{code:['e',"bad_json","invalid_frame","unknown_action","bad_request","unauthorized","token_expired","session_revoked","account_disabled","forbidden","not_found","conflict","email_taken","invalid_credentials","rate_limited","too_big","not_authenticated","already_authenticated","unavailable","timeout","disconnected","queue_full","handler_failed","internal"],message:'s',ref:s18,details:['?','u']}]],"new_message":['F',s19,s41],"heartbeat":['F',s42,['o',{ref:s18,serverTime:'i'}]],"typing_status":['F',s43,['o',{conversationId:s0,userId:s0,isTyping:'b'}]],"read_status":['F',s44,['o',{conversationId:s0,userId:s0,lastReadSeq:s1}]],"presence_update":['F',s45,s47],"presence_batch":['F',s45,['o',{presence:['a',s47,1]}]],"system_notification":['F',s6,['o',{id:s0,level:['e',"info","warning","error"],title:['s',1,200],message:['s',null,4000],audience:['D',"kind",{"all":['o',{kind:['e',"all"]}],"role":['o',{kind:['e',"role"],role:s7}],"conversation":['o',{kind:['e',"conversation"],conversationId:s0}],"user":['o',{kind:['e',"user"],userId:s0}]}],createdAt:s1,read:'b'}]],"direct_message":['F',s48,['o',{event:s0,payload:'u'}]],"conversation_event":['F',s48,['o',{conversationId:s0,event:s0,payload:'u'}]],"stats":['F',s6,['o',{connections:s1,onlineUsers:s1,messagesPerSecond1s:s49,messagesPerSecond1m:s49,nodes:['a',['o',{nodeId:'s',uptimeSeconds:s49,connections:s1,onlineUsers:s1,rssBytes:s49,heapUsedBytes:s49,messagesPerSecond1s:s49,messagesPerSecond1m:s49}]],at:s1}]],"conversation_added":['F',s6,['o',{conversation:['o',{id:s0,kind:['e',"direct","group"],title:s2,ownerId:s20,lastSeq:s1,createdAt:s1,members:s52,lastMessage:['~',s41],unreadCount:s1,muted:s53}],by:s0}]],"conversation_updated":['F',s6,['o',{conversationId:s0,title:s2,ownerId:s20,members:s52,by:s0}]],"member_removed":['F',s6,['o',{conversationId:s0,userId:s0,by:s0}]],"message_updated":['F',s48,s54],"message_deleted":['F',s48,s55],"reaction_updated":['F',s48,s57],"conversation_muted":['F',s6,['o',{conversationId:s0,muted:'b'}]],"delivery_status":['F',s58,['o',{conversationId:s0,userId:s0,deliveredSeq:s1}]],"user_changed":['F',s6,['o',{user:['o',{id:s0,name:'s',avatar:s2}]}]]}];
export const CLIENT_FRAME: Shape = ['D',"action",{"authenticate":['F',s59,['o',{token:s60,device:s12}]],"reauthenticate":['F',s59,['o',{token:s60}]],"subscribe":['F',s59,['o',{conversationId:s0,since:s23,ackFirst:s53}]],"unsubscribe":s62,"send_message":s69,"heartbeat":['F',s42,['o',{},1]],"history":['F',s59,['o',{conversationId:s0,before:s15,after:s23,around:s15,limit:['d',['n',1,1,200],50]}]],"typing_status":['F',s43,['o',{conversationId:s0,isTyping:'b'}]],"mark_read":['F',s44,s70],"presence_query":s73,"presence_subscribe":s73,"presence_unsubscribe":s73,"conversation_presence":s62,"stats_subscribe":s75,"stats_unsubscribe":s75,"notifications_read":['F',s59,['o',{ids:['d',['a',s0,null,500],[]],all:s76}]],"edit_message":['F',s59,['o',{conversationId:s0,messageId:s0,text:s64}]],"delete_message":['F',s59,['o',{conversationId:s0,messageId:s0}]],"react":['F',s59,['o',{conversationId:s0,messageId:s0,emoji:['s',1,32],remove:s76}]],"search":['F',s59,['o',{query:s10,conversationId:s66,senderId:s66,from:s23,to:s23,cursor:s11,limit:['d',['n',1,1,50],20]}]],"mark_delivered":['F',s58,s70]}];
export const SEND_MESSAGE_FRAME: Shape = s69;
export const REQUEST_RESULTS: Record<string, Shape> = {
  reauthenticate: ['o',{credentialExpiresAt:'i'}],
  subscribe: ['o',{conversationId:s0,lastSeq:s1,firstSeq:s15}],
  unsubscribe: s61,
  send_message: ['o',{messageId:s0,conversationId:s0,seq:s13,createdAt:'i',duplicate:'b'}],
  history: ['o',{messages:['a',s41],hasMore:'b',hasNewer:s53,changes:['?',['a',['D',"action",{"message_updated":['o',{action:s77,data:s54}],"message_deleted":['o',{action:s78,data:s55}],"reaction_updated":['o',{action:s79,data:s57}]}]]],firstSeq:s15}],
  mark_read: ['o',{conversationId:s0,lastReadSeq:s1,unreadCount:s1}],
  presence_query: s81,
  presence_subscribe: s81,
  presence_unsubscribe: ['o',{watching:s1}],
  conversation_presence: ['o',{conversationId:s0,members:s1,online:s1}],
  stats_subscribe: ['o',{intervalMs:s13}],
  stats_unsubscribe: s74,
  notifications_read: ['o',{updated:s1}],
  edit_message: ['o',{conversationId:s0,messageId:s0,seq:s36,duplicate:'b',editedAt:s1}],
  delete_message: ['o',{conversationId:s0,messageId:s0,seq:s36,duplicate:'b',deletedAt:s1}],
  react: ['o',{conversationId:s0,messageId:s0,seq:s36,duplicate:'b'}],
  search: ['o',{hits:['a',['o',{message:s41,conversationId:s0,snippet:['o',{text:'s',highlights:['a',['o',{start:s1,end:s1}]]}]}]],nextCursor:s2}],
  mark_delivered: ['o',{conversationId:s0,deliveredSeq:s1}],
};
