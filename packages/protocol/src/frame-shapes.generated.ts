/**
 * GENERATED from the protocol's zod schemas by shape-from-zod.ts: do not edit. After changing a
 * schema, run `HERALD_WRITE_SHAPES=1 npx vitest run packages/protocol/src/frame-shapes.test.ts`.
 * SERVER_FRAME checks what a server sends, CLIENT_FRAME what a client sends, REQUEST_RESULTS[action]
 * an ack's result; see shape.ts for the encoding and what shapes leave to the server.
 */
import type { Shape } from './shape.js';

const s0: Shape = ['s',1,64];
const s1: Shape = ['e',"system"];
const s2: Shape = ['s',1,40];
const s3: Shape = ['~','s'];
const s4: Shape = ['n',1,0];
const s5: Shape = ['e',"desktop","mobile","tablet"];
const s6: Shape = ['s',1,128];
const s7: Shape = ['s',null,200];
const s8: Shape = ['?',s7];
const s9: Shape = ['o',{deviceType:s5,deviceId:s6,name:s8}];
const s10: Shape = ['n',1,0,null,"l"];
const s11: Shape = ['n',0,0,null,"l"];
const s12: Shape = ['?',s10];
const s13: Shape = ['?',s3];
const s14: Shape = ['o',{id:s0,name:'s',avatar:s13}];
const s15: Shape = ['?',s14];
const s16: Shape = ['e',"ack"];
const s17: Shape = ['e',"error"];
const s18: Shape = ['?','s'];
const s19: Shape = ['e',"text","image","file","audio","system"];
const s20: Shape = ['~',s0];
const s21: Shape = ['s',null,255];
const s22: Shape = ['?',s21];
const s23: Shape = ['?',s4];
const s24: Shape = ['o',{fileId:s0,name:s22,mimeType:s22,size:s23,width:s12,height:s12,durationMs:s23}];
const s25: Shape = ['~',s24];
const s26: Shape = ['~',s4];
const s27: Shape = ['d',s26,null];
const s28: Shape = ['a',s0];
const s29: Shape = ['d',s28,[]];
const s30: Shape = ['e',"all","here"];
const s31: Shape = ['~',s30];
const s32: Shape = ['d',s31,null];
const s33: Shape = ['o',{emoji:'s',count:s10,userIds:s28,mine:'b'}];
const s34: Shape = ['a',s33];
const s35: Shape = ['d',s34,[]];
const s36: Shape = ['~',s10];
const s37: Shape = ['~',s19];
const s38: Shape = ['o',{messageId:s0,seq:s36,senderId:s20,senderName:s3,type:s37,text:'s',deleted:'b',missing:'b'}];
const s39: Shape = ['~',s38];
const s40: Shape = ['d',s39,null];
const s41: Shape = ['o',{id:s0,clientId:'s',conversationId:s0,seq:s10,senderId:s0,type:s19,text:'s',replyTo:s20,attachment:s25,createdAt:s4,editedAt:s27,deletedAt:s27,mentions:s29,groupMention:s32,reactions:s35,replyPreview:s40,revision:s12}];
const s42: Shape = ['e',"heartbeat"];
const s43: Shape = ['e',"typing"];
const s44: Shape = ['e',"typing_status"];
const s45: Shape = ['e',"read"];
const s46: Shape = ['a',s5];
const s47: Shape = ['o',{userId:s0,online:'b',lastSeenAt:s26,deviceTypes:s46}];
const s48: Shape = ['e',"event"];
const s49: Shape = ['n',0,0];
const s50: Shape = ['e',"owner","member"];
const s51: Shape = ['o',{userId:s0,name:'s',avatar:s3,role:s50,lastReadSeq:s4,deliveredSeq:s23}];
const s52: Shape = ['a',s51];
const s53: Shape = ['?','b'];
const s54: Shape = ['e',"message_updated"];
const s55: Shape = ['o',{conversationId:s0,seq:s10,messageId:s0,userId:s0,at:s4,text:'s',mentions:s29,groupMention:s32}];
const s56: Shape = ['e',"message_deleted"];
const s57: Shape = ['o',{conversationId:s0,seq:s10,messageId:s0,userId:s0,at:s4}];
const s58: Shape = ['e',"reaction_updated"];
const s59: Shape = ['o',{emoji:'s',count:s4,userIds:s28,mine:'b'}];
const s60: Shape = ['o',{conversationId:s0,seq:s10,messageId:s0,userId:s0,at:s4,emoji:'s',added:'b',reaction:s59}];
const s61: Shape = ['e',"delivery"];
const s62: Shape = ['e',"control"];
const s63: Shape = ['s',1,4096];
const s64: Shape = ['o',{conversationId:s0}];
const s65: Shape = ['s',null,16000];
const s66: Shape = ['?',s0];
const s67: Shape = ['o',{conversationId:s0,seq:s4}];
const s68: Shape = ['o',{}];
const s69: Shape = ['d','b',false];
export const SERVER_FRAME: Shape = ['D',"action",{"connected":['o',{id:s0,type:s1,action:['e',"connected"],data:['o',{connectionId:s0,user:['o',{id:s0,email:'s',name:'s',role:s2,avatar:s3,createdAt:s4}],device:s9,serverTime:'i',heartbeatIntervalMs:s10,credentialExpiresAt:'i',limits:['o',{maxFrameBytes:s10,ratePerSecond:s11,burst:s10,userSockets:s12,userRatePerSecond:['?',s11],userBurst:s12}]}],timestamp:s4,sender:s15}],"ack":['o',{id:s0,type:s16,action:s16,data:['o',{ref:'s',result:'u'}],timestamp:s4,sender:s15}],"error":['o',{id:s0,type:s17,action:s17,data:['o',{code:['e',"bad_json","invalid_frame","unknown_action","bad_request","unauthorized","token_expired","session_revoked","account_disabled","forbidden","not_found","conflict","email_taken","invalid_credentials","rate_limited","too_big","not_authenticated","already_authenticated","unavailable","timeout","disconnected","queue_full","handler_failed","internal"],message:'s',ref:s18,details:['?','u']}],timestamp:s4,sender:s15}],"new_message":['o',{id:s0,type:s19,action:['e',"new_message"],data:s41,timestamp:s4,sender:s15}],"heartbeat":['o',{id:s0,type:s42,action:s42,data:['o',{ref:s18,serverTime:'i'}],timestamp:s4,sender:s15}],"typing_status":['o',{id:s0,type:s43,action:s44,data:['o',{conversationId:s0,userId:s0,isTyping:'b'}],timestamp:s4,sender:s15}],"read_status":['o',{id:s0,type:s45,action:['e',"read_status"],data:['o',{conversationId:s0,userId:s0,lastReadSeq:s4}],timestamp:s4,sender:s15}],"presence_update":['o',{id:s0,type:['e',"presence"],action:['e',"presence_update"],data:s47,timestamp:s4,sender:s15}],"system_notification":['o',{id:s0,type:s1,action:['e',"system_notification"],data:['o',{id:s0,level:['e',"info","warning","error"],title:['s',1,200],message:['s',null,4000],audience:['D',"kind",{"all":['o',{kind:['e',"all"]}],"role":['o',{kind:['e',"role"],role:s2}],"conversation":['o',{kind:['e',"conversation"],conversationId:s0}],"user":['o',{kind:['e',"user"],userId:s0}]}],createdAt:s4,read:'b'}],timestamp:s4,sender:s15}],"direct_message":['o',{id:s0,type:s48,action:['e',"direct_message"],data:['o',{event:s0,payload:'u'}],timestamp:s4,sender:s15}],"conversation_event":['o',{id:s0,type:s48,action:['e',"conversation_event"],data:['o',{conversationId:s0,event:s0,payload:'u'}],timestamp:s4,sender:s15}],"stats":['o',{id:s0,type:s1,action:['e',"stats"],data:['o',{connections:s4,onlineUsers:s4,messagesPerSecond1s:s49,messagesPerSecond1m:s49,nodes:['a',['o',{nodeId:'s',uptimeSeconds:s49,connections:s4,onlineUsers:s4,rssBytes:s49,heapUsedBytes:s49,messagesPerSecond1s:s49,messagesPerSecond1m:s49}]],at:s4}],timestamp:s4,sender:s15}],"conversation_added":['o',{id:s0,type:s1,action:['e',"conversation_added"],data:['o',{conversation:['o',{id:s0,kind:['e',"direct","group"],title:s3,ownerId:s20,lastSeq:s4,createdAt:s4,members:s52,lastMessage:['~',s41],unreadCount:s4,muted:s53}],by:s0}],timestamp:s4,sender:s15}],"conversation_updated":['o',{id:s0,type:s1,action:['e',"conversation_updated"],data:['o',{conversationId:s0,title:s3,ownerId:s20,members:s52,by:s0}],timestamp:s4,sender:s15}],"member_removed":['o',{id:s0,type:s1,action:['e',"member_removed"],data:['o',{conversationId:s0,userId:s0,by:s0}],timestamp:s4,sender:s15}],"message_updated":['o',{id:s0,type:s48,action:s54,data:s55,timestamp:s4,sender:s15}],"message_deleted":['o',{id:s0,type:s48,action:s56,data:s57,timestamp:s4,sender:s15}],"reaction_updated":['o',{id:s0,type:s48,action:s58,data:s60,timestamp:s4,sender:s15}],"conversation_muted":['o',{id:s0,type:s1,action:['e',"conversation_muted"],data:['o',{conversationId:s0,muted:'b'}],timestamp:s4,sender:s15}],"delivery_status":['o',{id:s0,type:s61,action:['e',"delivery_status"],data:['o',{conversationId:s0,userId:s0,deliveredSeq:s4}],timestamp:s4,sender:s15}],"user_changed":['o',{id:s0,type:s1,action:['e',"user_changed"],data:['o',{user:['o',{id:s0,name:'s',avatar:s3}]}],timestamp:s4,sender:s15}]}];
export const CLIENT_FRAME: Shape = ['D',"action",{"authenticate":['o',{id:s0,type:s62,action:['e',"authenticate"],data:['o',{token:s63,device:s9}],timestamp:s4,sender:s15}],"reauthenticate":['o',{id:s0,type:s62,action:['e',"reauthenticate"],data:['o',{token:s63}],timestamp:s4,sender:s15}],"subscribe":['o',{id:s0,type:s62,action:['e',"subscribe"],data:['o',{conversationId:s0,since:s23,ackFirst:s53}],timestamp:s4,sender:s15}],"unsubscribe":['o',{id:s0,type:s62,action:['e',"unsubscribe"],data:s64,timestamp:s4,sender:s15}],"send_message":['o',{id:s0,type:['e',"text","image","file","audio"],action:['e',"send_message"],data:['o',{conversationId:s0,text:['d',s65,""],replyTo:s66,attachment:['?',s24]}],timestamp:s4,sender:s15}],"heartbeat":['o',{id:s0,type:s42,action:s42,data:['o',{},1],timestamp:s4,sender:s15}],"history":['o',{id:s0,type:s62,action:['e',"history"],data:['o',{conversationId:s0,before:s12,after:s23,around:s12,limit:['d',['n',1,1,200],50]}],timestamp:s4,sender:s15}],"typing_status":['o',{id:s0,type:s43,action:s44,data:['o',{conversationId:s0,isTyping:'b'}],timestamp:s4,sender:s15}],"mark_read":['o',{id:s0,type:s45,action:['e',"mark_read"],data:s67,timestamp:s4,sender:s15}],"presence_query":['o',{id:s0,type:s62,action:['e',"presence_query"],data:['o',{userIds:['a',s0,1,500]}],timestamp:s4,sender:s15}],"stats_subscribe":['o',{id:s0,type:s62,action:['e',"stats_subscribe"],data:s68,timestamp:s4,sender:s15}],"stats_unsubscribe":['o',{id:s0,type:s62,action:['e',"stats_unsubscribe"],data:s68,timestamp:s4,sender:s15}],"notifications_read":['o',{id:s0,type:s62,action:['e',"notifications_read"],data:['o',{ids:['d',['a',s0,null,500],[]],all:s69}],timestamp:s4,sender:s15}],"edit_message":['o',{id:s0,type:s62,action:['e',"edit_message"],data:['o',{conversationId:s0,messageId:s0,text:s65}],timestamp:s4,sender:s15}],"delete_message":['o',{id:s0,type:s62,action:['e',"delete_message"],data:['o',{conversationId:s0,messageId:s0}],timestamp:s4,sender:s15}],"react":['o',{id:s0,type:s62,action:['e',"react"],data:['o',{conversationId:s0,messageId:s0,emoji:['s',1,32],remove:s69}],timestamp:s4,sender:s15}],"search":['o',{id:s0,type:s62,action:['e',"search"],data:['o',{query:s7,conversationId:s66,senderId:s66,from:s23,to:s23,cursor:s8,limit:['d',['n',1,1,50],20]}],timestamp:s4,sender:s15}],"mark_delivered":['o',{id:s0,type:s61,action:['e',"mark_delivered"],data:s67,timestamp:s4,sender:s15}]}];
export const REQUEST_RESULTS: Record<string, Shape> = {
  reauthenticate: ['o',{credentialExpiresAt:'i'}],
  subscribe: ['o',{conversationId:s0,lastSeq:s4,firstSeq:s12}],
  unsubscribe: s64,
  send_message: ['o',{messageId:s0,conversationId:s0,seq:s10,createdAt:'i',duplicate:'b'}],
  history: ['o',{messages:['a',s41],hasMore:'b',hasNewer:s53,changes:['?',['a',['D',"action",{"message_updated":['o',{action:s54,data:s55}],"message_deleted":['o',{action:s56,data:s57}],"reaction_updated":['o',{action:s58,data:s60}]}]]],firstSeq:s12}],
  mark_read: ['o',{conversationId:s0,lastReadSeq:s4,unreadCount:s4}],
  presence_query: ['o',{presence:['a',s47]}],
  stats_subscribe: ['o',{intervalMs:s10}],
  stats_unsubscribe: s68,
  notifications_read: ['o',{updated:s4}],
  edit_message: ['o',{conversationId:s0,messageId:s0,seq:s36,duplicate:'b',editedAt:s4}],
  delete_message: ['o',{conversationId:s0,messageId:s0,seq:s36,duplicate:'b',deletedAt:s4}],
  react: ['o',{conversationId:s0,messageId:s0,seq:s36,duplicate:'b'}],
  search: ['o',{hits:['a',['o',{message:s41,conversationId:s0,snippet:['o',{text:'s',highlights:['a',['o',{start:s4,end:s4}]]}]}]],nextCursor:s3}],
  mark_delivered: ['o',{conversationId:s0,deliveredSeq:s4}],
};
